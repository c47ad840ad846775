using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CodeSigning.Pkcs11.Cryptoki;
using CodeSigning.Pkcs11.Native.Types;
using static CodeSigning.Pkcs11.Native.Types.Marshalling;

namespace CodeSigning.Pkcs11.Native.Exports;

/// <summary>Verifying signatures and MACs (section 5.14), locally with the public key.</summary>
internal static unsafe class Verification
{
    [UnmanagedCallersOnly(EntryPoint = "C_VerifyInit", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_VerifyInit(CK_SESSION_HANDLE hSession, void* pMechanism, CK_OBJECT_HANDLE hKey) => Barrier.Run(() =>
    {
        var provider = Provider.Current;
        var (type, pss) = ReadMechanism((CK_MECHANISM*)pMechanism);
        provider.VerifyInit((ulong)hSession, type, pss, (ulong)hKey);
        return CKR.CKR_OK;
    });

    [UnmanagedCallersOnly(EntryPoint = "C_Verify", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_Verify(CK_SESSION_HANDLE hSession, byte* pData, CK_ULONG ulDataLen, byte* pSignature, CK_ULONG ulSignatureLen) => Barrier.Run(() =>
    {
        Provider.Current.Verify((ulong)hSession, Input(pData, ulDataLen), Input(pSignature, ulSignatureLen));
        return CKR.CKR_OK;
    });

    [UnmanagedCallersOnly(EntryPoint = "C_VerifyUpdate", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_VerifyUpdate(CK_SESSION_HANDLE hSession, byte* pPart, CK_ULONG ulPartLen) => Barrier.Run(() =>
    {
        Provider.Current.VerifyUpdate((ulong)hSession, Input(pPart, ulPartLen));
        return CKR.CKR_OK;
    });

    [UnmanagedCallersOnly(EntryPoint = "C_VerifyFinal", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_VerifyFinal(CK_SESSION_HANDLE hSession, byte* pSignature, CK_ULONG ulSignatureLen) => Barrier.Run(() =>
    {
        Provider.Current.VerifyFinal((ulong)hSession, Input(pSignature, ulSignatureLen));
        return CKR.CKR_OK;
    });

    /// <summary>No mechanism recovers data from a signature.</summary>
    [UnmanagedCallersOnly(EntryPoint = "C_VerifyRecoverInit", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_VerifyRecoverInit(CK_SESSION_HANDLE hSession, void* pMechanism, CK_OBJECT_HANDLE hKey) => Unsupported();

    [UnmanagedCallersOnly(EntryPoint = "C_VerifyRecover", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_VerifyRecover(CK_SESSION_HANDLE hSession, byte* pSignature, CK_ULONG ulSignatureLen, byte* pData, CK_ULONG* pulDataLen) => Unsupported();
}
