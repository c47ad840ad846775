using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CodeSigning.Pkcs11.Cryptoki;

namespace CodeSigning.Pkcs11.Native.Exports;

/// <summary>Verifying signatures and MACs (section 5.15).</summary>
internal static unsafe class Verification
{
    [UnmanagedCallersOnly(EntryPoint = "C_VerifyInit", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_VerifyInit(CK_SESSION_HANDLE hSession, void* pMechanism, CK_OBJECT_HANDLE hKey) => (CK_RV)CKR.CKR_FUNCTION_NOT_SUPPORTED;

    [UnmanagedCallersOnly(EntryPoint = "C_Verify", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_Verify(CK_SESSION_HANDLE hSession, byte* pData, CK_ULONG ulDataLen, byte* pSignature, CK_ULONG ulSignatureLen) => (CK_RV)CKR.CKR_FUNCTION_NOT_SUPPORTED;

    [UnmanagedCallersOnly(EntryPoint = "C_VerifyUpdate", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_VerifyUpdate(CK_SESSION_HANDLE hSession, byte* pPart, CK_ULONG ulPartLen) => (CK_RV)CKR.CKR_FUNCTION_NOT_SUPPORTED;

    [UnmanagedCallersOnly(EntryPoint = "C_VerifyFinal", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_VerifyFinal(CK_SESSION_HANDLE hSession, byte* pSignature, CK_ULONG ulSignatureLen) => (CK_RV)CKR.CKR_FUNCTION_NOT_SUPPORTED;

    [UnmanagedCallersOnly(EntryPoint = "C_VerifyRecoverInit", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_VerifyRecoverInit(CK_SESSION_HANDLE hSession, void* pMechanism, CK_OBJECT_HANDLE hKey) => (CK_RV)CKR.CKR_FUNCTION_NOT_SUPPORTED;

    [UnmanagedCallersOnly(EntryPoint = "C_VerifyRecover", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_VerifyRecover(CK_SESSION_HANDLE hSession, byte* pSignature, CK_ULONG ulSignatureLen, byte* pData, CK_ULONG* pulDataLen) => (CK_RV)CKR.CKR_FUNCTION_NOT_SUPPORTED;
}
