using System.Runtime.InteropServices;
using static CodeSigning.Ksp.Native.Marshalling;

namespace CodeSigning.Ksp.Native.Exports;

/// <summary>The provider functions of the table, each behind the <see cref="Barrier"/>: nothing crosses into ncrypt.dll.</summary>
internal static unsafe class Providers
{
    [UnmanagedCallersOnly]
    public static SECURITY_STATUS OpenProvider(NCRYPT_HANDLE* phProvider, char* pszProviderName, DWORD dwFlags) => Barrier.Run(() =>
    {
        Required(phProvider, "phProvider");
        *phProvider = KeyStorageProvider.Instance.OpenProvider(dwFlags);
        return ERROR_SUCCESS;
    });

    [UnmanagedCallersOnly]
    public static SECURITY_STATUS FreeProvider(NCRYPT_HANDLE hProvider) => Barrier.Run(() =>
    {
        KeyStorageProvider.Instance.FreeProvider(hProvider);
        return ERROR_SUCCESS;
    });

    [UnmanagedCallersOnly]
    public static SECURITY_STATUS GetProviderProperty(NCRYPT_HANDLE hProvider, char* pszProperty, byte* pbOutput, DWORD cbOutput, DWORD* pcbResult, DWORD dwFlags) => Barrier.Run(() =>
    {
        var property = Text(pszProperty, "pszProperty");
        Required(pcbResult, "pcbResult");
        return Write(KeyStorageProvider.Instance.GetProviderProperty(hProvider, property, dwFlags), pbOutput, cbOutput, pcbResult);
    });

    [UnmanagedCallersOnly]
    public static SECURITY_STATUS IsAlgSupported(NCRYPT_HANDLE hProvider, char* pszAlgId, DWORD dwFlags) => Barrier.Run(() =>
    {
        KeyStorageProvider.Instance.IsAlgorithmSupported(hProvider, Text(pszAlgId, "pszAlgId"), dwFlags);
        return ERROR_SUCCESS;
    });

    /// <summary>Frees a key name of NCryptEnumKeys or an enumeration state; any other pointer is NTE_INVALID_PARAMETER.</summary>
    [UnmanagedCallersOnly]
    public static SECURITY_STATUS FreeBuffer(void* pvInput) => Barrier.Run(() =>
    {
        if (!Free(pvInput))
        {
            return NTE_INVALID_PARAMETER;
        }

        KeyStorageProvider.Instance.EndEnumeration((nuint)pvInput);
        return ERROR_SUCCESS;
    });
}
