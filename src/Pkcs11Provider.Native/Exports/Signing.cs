using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CodeSigning.Pkcs11.Cryptoki;
using CodeSigning.Pkcs11.Native.Types;
using static CodeSigning.Pkcs11.Native.Types.Marshalling;

namespace CodeSigning.Pkcs11.Native.Exports;

/// <summary>Signing and MACing (section 5.13).</summary>
internal static unsafe class Signing
{
    [UnmanagedCallersOnly(EntryPoint = "C_SignInit", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_SignInit(CK_SESSION_HANDLE hSession, void* pMechanism, CK_OBJECT_HANDLE hKey) => Barrier.Run(() =>
    {
        var provider = Provider.Current;
        var (type, pss) = ReadMechanism((CK_MECHANISM*)pMechanism);
        provider.SignInit((ulong)hSession, type, pss, (ulong)hKey);
        return CKR.CKR_OK;
    });

    [UnmanagedCallersOnly(EntryPoint = "C_Sign", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_Sign(CK_SESSION_HANDLE hSession, byte* pData, CK_ULONG ulDataLen, byte* pSignature, CK_ULONG* pulSignatureLen) => Barrier.Run(() =>
        WriteOutput(Provider.Current.Sign((ulong)hSession, Input(pData, ulDataLen), Output(pSignature, pulSignatureLen)), pSignature, pulSignatureLen));

    [UnmanagedCallersOnly(EntryPoint = "C_SignUpdate", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_SignUpdate(CK_SESSION_HANDLE hSession, byte* pPart, CK_ULONG ulPartLen) => Barrier.Run(() =>
    {
        Provider.Current.SignUpdate((ulong)hSession, Input(pPart, ulPartLen));
        return CKR.CKR_OK;
    });

    [UnmanagedCallersOnly(EntryPoint = "C_SignFinal", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_SignFinal(CK_SESSION_HANDLE hSession, byte* pSignature, CK_ULONG* pulSignatureLen) => Barrier.Run(() =>
        WriteOutput(Provider.Current.SignFinal((ulong)hSession, Output(pSignature, pulSignatureLen)), pSignature, pulSignatureLen));

    /// <summary>No mechanism recovers data from a signature.</summary>
    [UnmanagedCallersOnly(EntryPoint = "C_SignRecoverInit", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_SignRecoverInit(CK_SESSION_HANDLE hSession, void* pMechanism, CK_OBJECT_HANDLE hKey) => Unsupported();

    [UnmanagedCallersOnly(EntryPoint = "C_SignRecover", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_SignRecover(CK_SESSION_HANDLE hSession, byte* pData, CK_ULONG ulDataLen, byte* pSignature, CK_ULONG* pulSignatureLen) => Unsupported();
}
