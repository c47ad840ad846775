using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CodeSigning.Pkcs11.Cryptoki;
using static CodeSigning.Pkcs11.Native.Types.Marshalling;

namespace CodeSigning.Pkcs11.Native.Exports;

/// <summary>Decryption (section 5.9).</summary>
internal static unsafe class Decryption
{
    [UnmanagedCallersOnly(EntryPoint = "C_DecryptInit", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_DecryptInit(CK_SESSION_HANDLE hSession, void* pMechanism, CK_OBJECT_HANDLE hKey) => Unsupported();

    [UnmanagedCallersOnly(EntryPoint = "C_Decrypt", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_Decrypt(CK_SESSION_HANDLE hSession, byte* pEncryptedData, CK_ULONG ulEncryptedDataLen, byte* pData, CK_ULONG* pulDataLen) => Unsupported();

    [UnmanagedCallersOnly(EntryPoint = "C_DecryptUpdate", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_DecryptUpdate(CK_SESSION_HANDLE hSession, byte* pEncryptedPart, CK_ULONG ulEncryptedPartLen, byte* pPart, CK_ULONG* pulPartLen) => Unsupported();

    [UnmanagedCallersOnly(EntryPoint = "C_DecryptFinal", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_DecryptFinal(CK_SESSION_HANDLE hSession, byte* pLastPart, CK_ULONG* pulLastPartLen) => Unsupported();
}
