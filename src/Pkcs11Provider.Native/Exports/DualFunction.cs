using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CodeSigning.Pkcs11.Cryptoki;
using static CodeSigning.Pkcs11.Native.Types.Marshalling;

namespace CodeSigning.Pkcs11.Native.Exports;

/// <summary>Dual-function cryptographic functions (section 5.17).</summary>
internal static unsafe class DualFunction
{
    [UnmanagedCallersOnly(EntryPoint = "C_DigestEncryptUpdate", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_DigestEncryptUpdate(CK_SESSION_HANDLE hSession, byte* pPart, CK_ULONG ulPartLen, byte* pEncryptedPart, CK_ULONG* pulEncryptedPartLen) => Unsupported();

    [UnmanagedCallersOnly(EntryPoint = "C_DecryptDigestUpdate", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_DecryptDigestUpdate(CK_SESSION_HANDLE hSession, byte* pEncryptedPart, CK_ULONG ulEncryptedPartLen, byte* pPart, CK_ULONG* pulPartLen) => Unsupported();

    [UnmanagedCallersOnly(EntryPoint = "C_SignEncryptUpdate", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_SignEncryptUpdate(CK_SESSION_HANDLE hSession, byte* pPart, CK_ULONG ulPartLen, byte* pEncryptedPart, CK_ULONG* pulEncryptedPartLen) => Unsupported();

    [UnmanagedCallersOnly(EntryPoint = "C_DecryptVerifyUpdate", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_DecryptVerifyUpdate(CK_SESSION_HANDLE hSession, byte* pEncryptedPart, CK_ULONG ulEncryptedPartLen, byte* pPart, CK_ULONG* pulPartLen) => Unsupported();
}
