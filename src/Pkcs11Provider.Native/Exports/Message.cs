using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CodeSigning.Pkcs11.Cryptoki;
using static CodeSigning.Pkcs11.Native.Types.Marshalling;

namespace CodeSigning.Pkcs11.Native.Exports;

/// <summary>Message-based encryption, decryption, signing and verification (sections 5.10, 5.11, 5.14, 5.16; 3.0 only).</summary>
internal static unsafe class Message
{
    [UnmanagedCallersOnly(EntryPoint = "C_MessageEncryptInit", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_MessageEncryptInit(CK_SESSION_HANDLE hSession, void* pMechanism, CK_OBJECT_HANDLE hKey) => Unsupported();

    [UnmanagedCallersOnly(EntryPoint = "C_EncryptMessage", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_EncryptMessage(CK_SESSION_HANDLE hSession, void* pParameter, CK_ULONG ulParameterLen, byte* pAssociatedData, CK_ULONG ulAssociatedDataLen, byte* pPlaintext, CK_ULONG ulPlaintextLen, byte* pCiphertext, CK_ULONG* pulCiphertextLen) => Unsupported();

    [UnmanagedCallersOnly(EntryPoint = "C_EncryptMessageBegin", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_EncryptMessageBegin(CK_SESSION_HANDLE hSession, void* pParameter, CK_ULONG ulParameterLen, byte* pAssociatedData, CK_ULONG ulAssociatedDataLen) => Unsupported();

    [UnmanagedCallersOnly(EntryPoint = "C_EncryptMessageNext", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_EncryptMessageNext(CK_SESSION_HANDLE hSession, void* pParameter, CK_ULONG ulParameterLen, byte* pPlaintextPart, CK_ULONG ulPlaintextPartLen, byte* pCiphertextPart, CK_ULONG* pulCiphertextPartLen, CK_FLAGS flags) => Unsupported();

    [UnmanagedCallersOnly(EntryPoint = "C_MessageEncryptFinal", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_MessageEncryptFinal(CK_SESSION_HANDLE hSession) => Unsupported();

    [UnmanagedCallersOnly(EntryPoint = "C_MessageDecryptInit", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_MessageDecryptInit(CK_SESSION_HANDLE hSession, void* pMechanism, CK_OBJECT_HANDLE hKey) => Unsupported();

    [UnmanagedCallersOnly(EntryPoint = "C_DecryptMessage", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_DecryptMessage(CK_SESSION_HANDLE hSession, void* pParameter, CK_ULONG ulParameterLen, byte* pAssociatedData, CK_ULONG ulAssociatedDataLen, byte* pCiphertext, CK_ULONG ulCiphertextLen, byte* pPlaintext, CK_ULONG* pulPlaintextLen) => Unsupported();

    [UnmanagedCallersOnly(EntryPoint = "C_DecryptMessageBegin", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_DecryptMessageBegin(CK_SESSION_HANDLE hSession, void* pParameter, CK_ULONG ulParameterLen, byte* pAssociatedData, CK_ULONG ulAssociatedDataLen) => Unsupported();

    [UnmanagedCallersOnly(EntryPoint = "C_DecryptMessageNext", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_DecryptMessageNext(CK_SESSION_HANDLE hSession, void* pParameter, CK_ULONG ulParameterLen, byte* pCiphertextPart, CK_ULONG ulCiphertextPartLen, byte* pPlaintextPart, CK_ULONG* pulPlaintextPartLen, CK_FLAGS flags) => Unsupported();

    [UnmanagedCallersOnly(EntryPoint = "C_MessageDecryptFinal", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_MessageDecryptFinal(CK_SESSION_HANDLE hSession) => Unsupported();

    [UnmanagedCallersOnly(EntryPoint = "C_MessageSignInit", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_MessageSignInit(CK_SESSION_HANDLE hSession, void* pMechanism, CK_OBJECT_HANDLE hKey) => Unsupported();

    [UnmanagedCallersOnly(EntryPoint = "C_SignMessage", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_SignMessage(CK_SESSION_HANDLE hSession, void* pParameter, CK_ULONG ulParameterLen, byte* pData, CK_ULONG ulDataLen, byte* pSignature, CK_ULONG* pulSignatureLen) => Unsupported();

    [UnmanagedCallersOnly(EntryPoint = "C_SignMessageBegin", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_SignMessageBegin(CK_SESSION_HANDLE hSession, void* pParameter, CK_ULONG ulParameterLen) => Unsupported();

    [UnmanagedCallersOnly(EntryPoint = "C_SignMessageNext", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_SignMessageNext(CK_SESSION_HANDLE hSession, void* pParameter, CK_ULONG ulParameterLen, byte* pData, CK_ULONG ulDataLen, byte* pSignature, CK_ULONG* pulSignatureLen) => Unsupported();

    [UnmanagedCallersOnly(EntryPoint = "C_MessageSignFinal", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_MessageSignFinal(CK_SESSION_HANDLE hSession) => Unsupported();

    [UnmanagedCallersOnly(EntryPoint = "C_MessageVerifyInit", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_MessageVerifyInit(CK_SESSION_HANDLE hSession, void* pMechanism, CK_OBJECT_HANDLE hKey) => Unsupported();

    [UnmanagedCallersOnly(EntryPoint = "C_VerifyMessage", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_VerifyMessage(CK_SESSION_HANDLE hSession, void* pParameter, CK_ULONG ulParameterLen, byte* pData, CK_ULONG ulDataLen, byte* pSignature, CK_ULONG ulSignatureLen) => Unsupported();

    [UnmanagedCallersOnly(EntryPoint = "C_VerifyMessageBegin", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_VerifyMessageBegin(CK_SESSION_HANDLE hSession, void* pParameter, CK_ULONG ulParameterLen) => Unsupported();

    [UnmanagedCallersOnly(EntryPoint = "C_VerifyMessageNext", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_VerifyMessageNext(CK_SESSION_HANDLE hSession, void* pParameter, CK_ULONG ulParameterLen, byte* pData, CK_ULONG ulDataLen, byte* pSignature, CK_ULONG ulSignatureLen) => Unsupported();

    [UnmanagedCallersOnly(EntryPoint = "C_MessageVerifyFinal", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_MessageVerifyFinal(CK_SESSION_HANDLE hSession) => Unsupported();
}
