using System.Runtime.InteropServices;

namespace CodeSigning.Ksp.Native.Exports;

/// <summary>
/// What a signing-only key on a remote server cannot do: create, store, import, decrypt, agree,
/// derive, set properties, claims. Each answers NTE_NOT_SUPPORTED for a valid provider handle
/// (NTE_INVALID_HANDLE otherwise) and touches no argument. VerifySignature is the caller's own:
/// it has the certificate's public key.
/// </summary>
internal static unsafe class Unsupported
{
    [UnmanagedCallersOnly]
    public static SECURITY_STATUS CreatePersistedKey(NCRYPT_HANDLE hProvider, NCRYPT_HANDLE* phKey, char* pszAlgId, char* pszKeyName, DWORD dwLegacyKeySpec, DWORD dwFlags) => Refuse(hProvider, nameof(CreatePersistedKey));

    [UnmanagedCallersOnly]
    public static SECURITY_STATUS SetProviderProperty(NCRYPT_HANDLE hProvider, char* pszProperty, byte* pbInput, DWORD cbInput, DWORD dwFlags) => Refuse(hProvider, nameof(SetProviderProperty));

    [UnmanagedCallersOnly]
    public static SECURITY_STATUS SetKeyProperty(NCRYPT_HANDLE hProvider, NCRYPT_HANDLE hKey, char* pszProperty, byte* pbInput, DWORD cbInput, DWORD dwFlags) => Refuse(hProvider, nameof(SetKeyProperty));

    [UnmanagedCallersOnly]
    public static SECURITY_STATUS FinalizeKey(NCRYPT_HANDLE hProvider, NCRYPT_HANDLE hKey, DWORD dwFlags) => Refuse(hProvider, nameof(FinalizeKey));

    [UnmanagedCallersOnly]
    public static SECURITY_STATUS DeleteKey(NCRYPT_HANDLE hProvider, NCRYPT_HANDLE hKey, DWORD dwFlags) => Refuse(hProvider, nameof(DeleteKey));

    [UnmanagedCallersOnly]
    public static SECURITY_STATUS Encrypt(NCRYPT_HANDLE hProvider, NCRYPT_HANDLE hKey, byte* pbInput, DWORD cbInput, void* pPaddingInfo, byte* pbOutput, DWORD cbOutput, DWORD* pcbResult, DWORD dwFlags) => Refuse(hProvider, nameof(Encrypt));

    [UnmanagedCallersOnly]
    public static SECURITY_STATUS Decrypt(NCRYPT_HANDLE hProvider, NCRYPT_HANDLE hKey, byte* pbInput, DWORD cbInput, void* pPaddingInfo, byte* pbOutput, DWORD cbOutput, DWORD* pcbResult, DWORD dwFlags) => Refuse(hProvider, nameof(Decrypt));

    [UnmanagedCallersOnly]
    public static SECURITY_STATUS EnumAlgorithms(NCRYPT_HANDLE hProvider, DWORD dwAlgOperations, DWORD* pdwAlgCount, void** ppAlgList, DWORD dwFlags) => Refuse(hProvider, nameof(EnumAlgorithms));

    [UnmanagedCallersOnly]
    public static SECURITY_STATUS ImportKey(NCRYPT_HANDLE hProvider, NCRYPT_HANDLE hImportKey, char* pszBlobType, void* pParameterList, NCRYPT_HANDLE* phKey, byte* pbData, DWORD cbData, DWORD dwFlags) => Refuse(hProvider, nameof(ImportKey));

    [UnmanagedCallersOnly]
    public static SECURITY_STATUS VerifySignature(NCRYPT_HANDLE hProvider, NCRYPT_HANDLE hKey, void* pPaddingInfo, byte* pbHashValue, DWORD cbHashValue, byte* pbSignature, DWORD cbSignature, DWORD dwFlags) => Refuse(hProvider, nameof(VerifySignature));

    [UnmanagedCallersOnly]
    public static SECURITY_STATUS PromptUser(NCRYPT_HANDLE hProvider, NCRYPT_HANDLE hKey, char* pszOperation, DWORD dwFlags) => Refuse(hProvider, nameof(PromptUser));

    [UnmanagedCallersOnly]
    public static SECURITY_STATUS NotifyChangeKey(NCRYPT_HANDLE hProvider, void** phEvent, DWORD dwFlags) => Refuse(hProvider, nameof(NotifyChangeKey));

    [UnmanagedCallersOnly]
    public static SECURITY_STATUS SecretAgreement(NCRYPT_HANDLE hProvider, NCRYPT_HANDLE hPrivKey, NCRYPT_HANDLE hPubKey, NCRYPT_HANDLE* phAgreedSecret, DWORD dwFlags) => Refuse(hProvider, nameof(SecretAgreement));

    [UnmanagedCallersOnly]
    public static SECURITY_STATUS DeriveKey(NCRYPT_HANDLE hProvider, NCRYPT_HANDLE hSharedSecret, char* pwszKDF, void* pParameterList, byte* pbDerivedKey, DWORD cbDerivedKey, DWORD* pcbResult, DWORD dwFlags) => Refuse(hProvider, nameof(DeriveKey));

    [UnmanagedCallersOnly]
    public static SECURITY_STATUS FreeSecret(NCRYPT_HANDLE hProvider, NCRYPT_HANDLE hSharedSecret) => Refuse(hProvider, nameof(FreeSecret));

    [UnmanagedCallersOnly]
    public static SECURITY_STATUS KeyDerivation(NCRYPT_HANDLE hProvider, NCRYPT_HANDLE hKey, void* pParameterList, byte* pbDerivedKey, DWORD cbDerivedKey, DWORD* pcbResult, DWORD dwFlags) => Refuse(hProvider, nameof(KeyDerivation));

    [UnmanagedCallersOnly]
    public static SECURITY_STATUS CreateClaim(NCRYPT_HANDLE hProvider, NCRYPT_HANDLE hSubjectKey, NCRYPT_HANDLE hAuthorityKey, DWORD dwClaimType, void* pParameterList, byte* pbClaimBlob, DWORD cbClaimBlob, DWORD* pcbResult, DWORD dwFlags) => Refuse(hProvider, nameof(CreateClaim));

    [UnmanagedCallersOnly]
    public static SECURITY_STATUS VerifyClaim(NCRYPT_HANDLE hProvider, NCRYPT_HANDLE hSubjectKey, NCRYPT_HANDLE hAuthorityKey, DWORD dwClaimType, void* pParameterList, byte* pbClaimBlob, DWORD cbClaimBlob, void* pOutput, DWORD dwFlags) => Refuse(hProvider, nameof(VerifyClaim));

    private static SECURITY_STATUS Refuse(NCRYPT_HANDLE hProvider, string function) =>
        Barrier.Run(() => throw KeyStorageProvider.Instance.NotSupported(hProvider, function), function);
}
