using System.Runtime.InteropServices;
using CodeSigning.Ksp.Native.Types;
using static CodeSigning.Ksp.Cng.NCrypt;
using static CodeSigning.Ksp.Native.Marshalling;

namespace CodeSigning.Ksp.Native.Exports;

/// <summary>NCryptSignHash: the hash goes to the server, which authorizes, signs and audits.</summary>
internal static unsafe class Signing
{
    /// <summary>
    /// pPaddingInfo is read as dwFlags names it (BCRYPT_PSS_PADDING_INFO or BCRYPT_PKCS1_PADDING_INFO)
    /// and ignored for ECDSA, as CNG does. Arguments are checked and the size answered before any
    /// server call; only a buffer large enough starts the signature.
    /// </summary>
    [UnmanagedCallersOnly]
    public static SECURITY_STATUS SignHash(NCRYPT_HANDLE hProvider, NCRYPT_HANDLE hKey, void* pPaddingInfo, byte* pbHashValue, DWORD cbHashValue,
        byte* pbSignature, DWORD cbSignature, DWORD* pcbResult, DWORD dwFlags) => Barrier.Run(() =>
    {
        Required(pcbResult, "pcbResult");
        if (pbHashValue is null && cbHashValue != 0)
        {
            return NTE_INVALID_PARAMETER;
        }

        var provider = KeyStorageProvider.Instance;
        var (input, length) = provider.PrepareSignHash(hProvider, hKey, Padding(pPaddingInfo, dwFlags), new ReadOnlySpan<byte>(pbHashValue, (int)cbHashValue), dwFlags);
        *pcbResult = (DWORD)length;
        if (pbSignature is null)
        {
            return ERROR_SUCCESS;
        }

        if (cbSignature < length)
        {
            return NTE_BUFFER_TOO_SMALL;
        }

        return Write(provider.SignHash(hProvider, hKey, input), pbSignature, cbSignature, pcbResult);
    });

    private static PaddingInfo? Padding(void* pPaddingInfo, DWORD dwFlags)
    {
        if (pPaddingInfo is null)
        {
            return null;
        }

        if ((dwFlags & BCRYPT_PAD_PSS) != 0)
        {
            var pss = (BCRYPT_PSS_PADDING_INFO*)pPaddingInfo;
            return new PaddingInfo(Optional(pss->pszAlgId), pss->cbSalt);
        }

        return (dwFlags & BCRYPT_PAD_PKCS1) != 0 ? new PaddingInfo(Optional(((BCRYPT_PKCS1_PADDING_INFO*)pPaddingInfo)->pszAlgId)) : null;
    }

    private static string? Optional(char* text) => text is null ? null : new string(text);
}
