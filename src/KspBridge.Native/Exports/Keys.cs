using System.Runtime.InteropServices;
using System.Text;
using CodeSigning.Ksp.Native.Types;
using CodeSigning.Pkcs11.Tokens;
using static CodeSigning.Ksp.Native.Marshalling;

namespace CodeSigning.Ksp.Native.Exports;

/// <summary>The key functions of the table: one key per Signer the configured credential may see.</summary>
internal static unsafe class Keys
{
    [UnmanagedCallersOnly]
    public static SECURITY_STATUS OpenKey(NCRYPT_HANDLE hProvider, NCRYPT_HANDLE* phKey, char* pszKeyName, DWORD dwLegacyKeySpec, DWORD dwFlags) => Barrier.Run(() =>
    {
        Required(phKey, "phKey");
        *phKey = KeyStorageProvider.Instance.OpenKey(hProvider, Text(pszKeyName, "pszKeyName"), dwLegacyKeySpec, dwFlags);
        return ERROR_SUCCESS;
    });

    [UnmanagedCallersOnly]
    public static SECURITY_STATUS FreeKey(NCRYPT_HANDLE hProvider, NCRYPT_HANDLE hKey) => Barrier.Run(() =>
    {
        KeyStorageProvider.Instance.FreeKey(hProvider, hKey);
        return ERROR_SUCCESS;
    });

    /// <summary>
    /// One NCryptKeyName per call, NTE_NO_MORE_ITEMS after the last. The enumeration state (created on
    /// the first call, *ppEnumState NULL) and each key name are freed by the caller with NCryptFreeBuffer.
    /// pszScope (a smart card reader) has no meaning here and is ignored.
    /// </summary>
    [UnmanagedCallersOnly]
    public static SECURITY_STATUS EnumKeys(NCRYPT_HANDLE hProvider, char* pszScope, NCryptKeyName** ppKeyName, void** ppEnumState, DWORD dwFlags) => Barrier.Run(() =>
    {
        Required(ppKeyName, "ppKeyName");
        Required(ppEnumState, "ppEnumState");
        var provider = KeyStorageProvider.Instance;
        if (*ppEnumState is null)
        {
            var state = Allocate(1);
            try
            {
                provider.BeginEnumeration(hProvider, (nuint)state, dwFlags);
            }
            catch
            {
                Free(state);
                throw;
            }

            *ppEnumState = state;
        }

        *ppKeyName = KeyName(provider.NextKey(hProvider, (nuint)(*ppEnumState)));
        return ERROR_SUCCESS;
    });

    [UnmanagedCallersOnly]
    public static SECURITY_STATUS GetKeyProperty(NCRYPT_HANDLE hProvider, NCRYPT_HANDLE hKey, char* pszProperty, byte* pbOutput, DWORD cbOutput, DWORD* pcbResult, DWORD dwFlags) => Barrier.Run(() =>
    {
        var property = Text(pszProperty, "pszProperty");
        Required(pcbResult, "pcbResult");
        return Write(KeyStorageProvider.Instance.GetKeyProperty(hProvider, hKey, property, dwFlags), pbOutput, cbOutput, pcbResult);
    });

    /// <summary>The public blob only; pParameterList (for wrapped or PKCS#8 exports) is not used.</summary>
    [UnmanagedCallersOnly]
    public static SECURITY_STATUS ExportKey(NCRYPT_HANDLE hProvider, NCRYPT_HANDLE hKey, NCRYPT_HANDLE hExportKey, char* pszBlobType, void* pParameterList,
        byte* pbOutput, DWORD cbOutput, DWORD* pcbResult, DWORD dwFlags) => Barrier.Run(() =>
    {
        var blobType = Text(pszBlobType, "pszBlobType");
        Required(pcbResult, "pcbResult");
        return Write(KeyStorageProvider.Instance.ExportPublicKey(hProvider, hKey, hExportKey, blobType, dwFlags), pbOutput, cbOutput, pcbResult);
    });

    /// <summary>One allocation: the NCryptKeyName, then its two NUL-terminated UTF-16 strings.</summary>
    private static NCryptKeyName* KeyName(SignerSnapshot signer)
    {
        var name = Encoding.Unicode.GetBytes(signer.Name + '\0');
        var algorithm = Encoding.Unicode.GetBytes(KeyProperties.Algorithm(signer.Key) + '\0');
        var block = (byte*)Allocate(sizeof(NCryptKeyName) + name.Length + algorithm.Length);
        var strings = new Span<byte>(block + sizeof(NCryptKeyName), name.Length + algorithm.Length);
        name.CopyTo(strings);
        algorithm.CopyTo(strings[name.Length..]);
        var keyName = (NCryptKeyName*)block;
        keyName->pszName = (char*)(block + sizeof(NCryptKeyName));
        keyName->pszAlgid = (char*)(block + sizeof(NCryptKeyName) + name.Length);
        keyName->dwLegacyKeySpec = 0;
        keyName->dwFlags = 0;
        return keyName;
    }
}
