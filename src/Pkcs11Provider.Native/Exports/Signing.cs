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
    public static CK_RV C_SignInit(CK_SESSION_HANDLE hSession, void* pMechanism, CK_OBJECT_HANDLE hKey)
    {
        try
        {
            var provider = Provider.Current;
            var (type, pss) = ReadMechanism((CK_MECHANISM*)pMechanism);
            provider.SignInit((ulong)hSession, type, pss, (ulong)hKey);
            return Rv(CKR.CKR_OK);
        }
        catch (Exception ex)
        {
            return Rv(CallFailure.ToResult(ex, nameof(C_SignInit)));
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_Sign", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_Sign(CK_SESSION_HANDLE hSession, byte* pData, CK_ULONG ulDataLen, byte* pSignature, CK_ULONG* pulSignatureLen)
    {
        try
        {
            var provider = Provider.Current;
            if (pulSignatureLen is null || !IsInput(pData, ulDataLen))
            {
                provider.AbandonSign((ulong)hSession);
                return Rv(CKR.CKR_ARGUMENTS_BAD);
            }

            var output = provider.Sign((ulong)hSession, Input(pData, ulDataLen), Capacity(pSignature, pulSignatureLen));
            return WriteOutput(output, pSignature, pulSignatureLen);
        }
        catch (Exception ex)
        {
            return Rv(CallFailure.ToResult(ex, nameof(C_Sign)));
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_SignUpdate", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_SignUpdate(CK_SESSION_HANDLE hSession, byte* pPart, CK_ULONG ulPartLen)
    {
        try
        {
            var provider = Provider.Current;
            if (!IsInput(pPart, ulPartLen))
            {
                provider.AbandonSign((ulong)hSession);
                return Rv(CKR.CKR_ARGUMENTS_BAD);
            }

            provider.SignUpdate((ulong)hSession, Input(pPart, ulPartLen));
            return Rv(CKR.CKR_OK);
        }
        catch (Exception ex)
        {
            return Rv(CallFailure.ToResult(ex, nameof(C_SignUpdate)));
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "C_SignFinal", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_SignFinal(CK_SESSION_HANDLE hSession, byte* pSignature, CK_ULONG* pulSignatureLen)
    {
        try
        {
            var provider = Provider.Current;
            if (pulSignatureLen is null)
            {
                provider.AbandonSign((ulong)hSession);
                return Rv(CKR.CKR_ARGUMENTS_BAD);
            }

            return WriteOutput(provider.SignFinal((ulong)hSession, Capacity(pSignature, pulSignatureLen)), pSignature, pulSignatureLen);
        }
        catch (Exception ex)
        {
            return Rv(CallFailure.ToResult(ex, nameof(C_SignFinal)));
        }
    }

    /// <summary>No mechanism recovers data from a signature.</summary>
    [UnmanagedCallersOnly(EntryPoint = "C_SignRecoverInit", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_SignRecoverInit(CK_SESSION_HANDLE hSession, void* pMechanism, CK_OBJECT_HANDLE hKey) => Unsupported();

    [UnmanagedCallersOnly(EntryPoint = "C_SignRecover", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_SignRecover(CK_SESSION_HANDLE hSession, byte* pData, CK_ULONG ulDataLen, byte* pSignature, CK_ULONG* pulSignatureLen) => Unsupported();
}
