using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CodeSigning.Pkcs11.Cryptoki;
using static CodeSigning.Pkcs11.Native.Types.Marshalling;

namespace CodeSigning.Pkcs11.Native.Exports;

/// <summary>Message digesting (section 5.12).</summary>
internal static unsafe class MessageDigesting
{
    [UnmanagedCallersOnly(EntryPoint = "C_DigestInit", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_DigestInit(CK_SESSION_HANDLE hSession, void* pMechanism) => Unsupported();

    [UnmanagedCallersOnly(EntryPoint = "C_Digest", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_Digest(CK_SESSION_HANDLE hSession, byte* pData, CK_ULONG ulDataLen, byte* pDigest, CK_ULONG* pulDigestLen) => Unsupported();

    [UnmanagedCallersOnly(EntryPoint = "C_DigestUpdate", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_DigestUpdate(CK_SESSION_HANDLE hSession, byte* pPart, CK_ULONG ulPartLen) => Unsupported();

    [UnmanagedCallersOnly(EntryPoint = "C_DigestKey", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_DigestKey(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hKey) => Unsupported();

    [UnmanagedCallersOnly(EntryPoint = "C_DigestFinal", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_DigestFinal(CK_SESSION_HANDLE hSession, byte* pDigest, CK_ULONG* pulDigestLen) => Unsupported();
}
