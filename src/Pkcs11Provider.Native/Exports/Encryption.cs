using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CodeSigning.Pkcs11.Cryptoki;
using static CodeSigning.Pkcs11.Native.Types.Marshalling;

namespace CodeSigning.Pkcs11.Native.Exports;

/// <summary>Encryption (section 5.8).</summary>
internal static unsafe class Encryption
{
    [UnmanagedCallersOnly(EntryPoint = "C_EncryptInit", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_EncryptInit(CK_SESSION_HANDLE hSession, void* pMechanism, CK_OBJECT_HANDLE hKey) => Unsupported();

    [UnmanagedCallersOnly(EntryPoint = "C_Encrypt", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_Encrypt(CK_SESSION_HANDLE hSession, byte* pData, CK_ULONG ulDataLen, byte* pEncryptedData, CK_ULONG* pulEncryptedDataLen) => Unsupported();

    [UnmanagedCallersOnly(EntryPoint = "C_EncryptUpdate", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_EncryptUpdate(CK_SESSION_HANDLE hSession, byte* pPart, CK_ULONG ulPartLen, byte* pEncryptedPart, CK_ULONG* pulEncryptedPartLen) => Unsupported();

    [UnmanagedCallersOnly(EntryPoint = "C_EncryptFinal", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_EncryptFinal(CK_SESSION_HANDLE hSession, byte* pLastEncryptedPart, CK_ULONG* pulLastEncryptedPartLen) => Unsupported();
}
