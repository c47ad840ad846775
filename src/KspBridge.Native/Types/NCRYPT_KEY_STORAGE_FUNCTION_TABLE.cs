using System.Runtime.InteropServices;

namespace CodeSigning.Ksp.Native.Types;

/// <summary>
/// The table GetKeyStorageInterface returns, field for field and in this order as
/// ncrypt_provider.h of the Windows "Cryptographic Provider Development Kit" (CNG SDK) declares
/// NCRYPT_KEY_STORAGE_FUNCTION_TABLE: the version (padded to 8 bytes), then 26 functions of
/// interface version 1, KeyDerivation (version 2) and CreateClaim, VerifyClaim (version 3);
/// 240 bytes on 64-bit. The function pointer types follow the NCrypt*Fn typedefs of that header.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct NCRYPT_KEY_STORAGE_FUNCTION_TABLE
{
    public BCRYPT_INTERFACE_VERSION Version;
    public delegate* unmanaged<NCRYPT_HANDLE*, char*, DWORD, SECURITY_STATUS> OpenProvider;
    public delegate* unmanaged<NCRYPT_HANDLE, NCRYPT_HANDLE*, char*, DWORD, DWORD, SECURITY_STATUS> OpenKey;
    public delegate* unmanaged<NCRYPT_HANDLE, NCRYPT_HANDLE*, char*, char*, DWORD, DWORD, SECURITY_STATUS> CreatePersistedKey;
    public delegate* unmanaged<NCRYPT_HANDLE, char*, byte*, DWORD, DWORD*, DWORD, SECURITY_STATUS> GetProviderProperty;
    public delegate* unmanaged<NCRYPT_HANDLE, NCRYPT_HANDLE, char*, byte*, DWORD, DWORD*, DWORD, SECURITY_STATUS> GetKeyProperty;
    public delegate* unmanaged<NCRYPT_HANDLE, char*, byte*, DWORD, DWORD, SECURITY_STATUS> SetProviderProperty;
    public delegate* unmanaged<NCRYPT_HANDLE, NCRYPT_HANDLE, char*, byte*, DWORD, DWORD, SECURITY_STATUS> SetKeyProperty;
    public delegate* unmanaged<NCRYPT_HANDLE, NCRYPT_HANDLE, DWORD, SECURITY_STATUS> FinalizeKey;
    public delegate* unmanaged<NCRYPT_HANDLE, NCRYPT_HANDLE, DWORD, SECURITY_STATUS> DeleteKey;
    public delegate* unmanaged<NCRYPT_HANDLE, SECURITY_STATUS> FreeProvider;
    public delegate* unmanaged<NCRYPT_HANDLE, NCRYPT_HANDLE, SECURITY_STATUS> FreeKey;
    public delegate* unmanaged<void*, SECURITY_STATUS> FreeBuffer;
    public delegate* unmanaged<NCRYPT_HANDLE, NCRYPT_HANDLE, byte*, DWORD, void*, byte*, DWORD, DWORD*, DWORD, SECURITY_STATUS> Encrypt;
    public delegate* unmanaged<NCRYPT_HANDLE, NCRYPT_HANDLE, byte*, DWORD, void*, byte*, DWORD, DWORD*, DWORD, SECURITY_STATUS> Decrypt;
    public delegate* unmanaged<NCRYPT_HANDLE, char*, DWORD, SECURITY_STATUS> IsAlgSupported;
    public delegate* unmanaged<NCRYPT_HANDLE, DWORD, DWORD*, void**, DWORD, SECURITY_STATUS> EnumAlgorithms;
    public delegate* unmanaged<NCRYPT_HANDLE, char*, NCryptKeyName**, void**, DWORD, SECURITY_STATUS> EnumKeys;
    public delegate* unmanaged<NCRYPT_HANDLE, NCRYPT_HANDLE, char*, void*, NCRYPT_HANDLE*, byte*, DWORD, DWORD, SECURITY_STATUS> ImportKey;
    public delegate* unmanaged<NCRYPT_HANDLE, NCRYPT_HANDLE, NCRYPT_HANDLE, char*, void*, byte*, DWORD, DWORD*, DWORD, SECURITY_STATUS> ExportKey;
    public delegate* unmanaged<NCRYPT_HANDLE, NCRYPT_HANDLE, void*, byte*, DWORD, byte*, DWORD, DWORD*, DWORD, SECURITY_STATUS> SignHash;
    public delegate* unmanaged<NCRYPT_HANDLE, NCRYPT_HANDLE, void*, byte*, DWORD, byte*, DWORD, DWORD, SECURITY_STATUS> VerifySignature;
    public delegate* unmanaged<NCRYPT_HANDLE, NCRYPT_HANDLE, char*, DWORD, SECURITY_STATUS> PromptUser;
    public delegate* unmanaged<NCRYPT_HANDLE, void**, DWORD, SECURITY_STATUS> NotifyChangeKey;
    public delegate* unmanaged<NCRYPT_HANDLE, NCRYPT_HANDLE, NCRYPT_HANDLE, NCRYPT_HANDLE*, DWORD, SECURITY_STATUS> SecretAgreement;
    public delegate* unmanaged<NCRYPT_HANDLE, NCRYPT_HANDLE, char*, void*, byte*, DWORD, DWORD*, DWORD, SECURITY_STATUS> DeriveKey;
    public delegate* unmanaged<NCRYPT_HANDLE, NCRYPT_HANDLE, SECURITY_STATUS> FreeSecret;
    public delegate* unmanaged<NCRYPT_HANDLE, NCRYPT_HANDLE, void*, byte*, DWORD, DWORD*, DWORD, SECURITY_STATUS> KeyDerivation;
    public delegate* unmanaged<NCRYPT_HANDLE, NCRYPT_HANDLE, NCRYPT_HANDLE, DWORD, void*, byte*, DWORD, DWORD*, DWORD, SECURITY_STATUS> CreateClaim;
    public delegate* unmanaged<NCRYPT_HANDLE, NCRYPT_HANDLE, NCRYPT_HANDLE, DWORD, void*, byte*, DWORD, void*, DWORD, SECURITY_STATUS> VerifyClaim;
}
