using System.Runtime.InteropServices;
using static CodeSigning.Ksp.Native.Marshalling;

namespace CodeSigning.Ksp.Native.Exports;

/// <summary>The provider functions of the table. Each catches everything: nothing crosses into ncrypt.dll.</summary>
internal static unsafe class Providers
{
    [UnmanagedCallersOnly]
    public static SECURITY_STATUS OpenProvider(NCRYPT_HANDLE* phProvider, char* pszProviderName, DWORD dwFlags)
    {
        try
        {
            Required(phProvider, "phProvider");
            *phProvider = KeyStorageProvider.Instance.OpenProvider(dwFlags);
            return ERROR_SUCCESS;
        }
        catch (Exception ex)
        {
            return KspFailure.ToStatus(ex, nameof(OpenProvider));
        }
    }

    [UnmanagedCallersOnly]
    public static SECURITY_STATUS FreeProvider(NCRYPT_HANDLE hProvider)
    {
        try
        {
            KeyStorageProvider.Instance.FreeProvider(hProvider);
            return ERROR_SUCCESS;
        }
        catch (Exception ex)
        {
            return KspFailure.ToStatus(ex, nameof(FreeProvider));
        }
    }

    [UnmanagedCallersOnly]
    public static SECURITY_STATUS GetProviderProperty(NCRYPT_HANDLE hProvider, char* pszProperty, byte* pbOutput, DWORD cbOutput, DWORD* pcbResult, DWORD dwFlags)
    {
        try
        {
            var property = Text(pszProperty, "pszProperty");
            Required(pcbResult, "pcbResult");
            return Write(KeyStorageProvider.Instance.GetProviderProperty(hProvider, property, dwFlags), pbOutput, cbOutput, pcbResult);
        }
        catch (Exception ex)
        {
            return KspFailure.ToStatus(ex, nameof(GetProviderProperty));
        }
    }

    [UnmanagedCallersOnly]
    public static SECURITY_STATUS IsAlgSupported(NCRYPT_HANDLE hProvider, char* pszAlgId, DWORD dwFlags)
    {
        try
        {
            KeyStorageProvider.Instance.IsAlgorithmSupported(hProvider, Text(pszAlgId, "pszAlgId"), dwFlags);
            return ERROR_SUCCESS;
        }
        catch (Exception ex)
        {
            return KspFailure.ToStatus(ex, nameof(IsAlgSupported));
        }
    }

    /// <summary>Frees a key name of NCryptEnumKeys or an enumeration state; any other pointer is NTE_INVALID_PARAMETER.</summary>
    [UnmanagedCallersOnly]
    public static SECURITY_STATUS FreeBuffer(void* pvInput)
    {
        try
        {
            if (!Free(pvInput))
            {
                return NTE_INVALID_PARAMETER;
            }

            KeyStorageProvider.Instance.EndEnumeration((nuint)pvInput);
            return ERROR_SUCCESS;
        }
        catch (Exception ex)
        {
            return KspFailure.ToStatus(ex, nameof(FreeBuffer));
        }
    }
}
