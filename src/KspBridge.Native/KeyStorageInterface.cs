using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CodeSigning.Ksp.Native.Exports;
using CodeSigning.Ksp.Native.Types;

namespace CodeSigning.Ksp.Native;

/// <summary>
/// The DLL's one export, as ncrypt_provider.h declares it: ncrypt.dll calls GetKeyStorageInterface
/// once and then only the table. The table lives in unmanaged memory that is never freed.
/// </summary>
internal static unsafe class KeyStorageInterface
{
    private const NTSTATUS STATUS_SUCCESS = 0;
    private const NTSTATUS STATUS_INVALID_PARAMETER = unchecked((int)0xC000000D);

    private static readonly NCRYPT_KEY_STORAGE_FUNCTION_TABLE* Table = Build();

    [UnmanagedCallersOnly(EntryPoint = "GetKeyStorageInterface")]
    public static NTSTATUS GetKeyStorageInterface(char* pszProviderName, NCRYPT_KEY_STORAGE_FUNCTION_TABLE** ppFunctionTable, DWORD dwFlags)
    {
        if (ppFunctionTable is null)
        {
            return STATUS_INVALID_PARAMETER;
        }

        *ppFunctionTable = Table;
        return STATUS_SUCCESS;
    }

    private static NCRYPT_KEY_STORAGE_FUNCTION_TABLE* Build()
    {
        var table = (NCRYPT_KEY_STORAGE_FUNCTION_TABLE*)NativeMemory.AllocZeroed((nuint)sizeof(NCRYPT_KEY_STORAGE_FUNCTION_TABLE));
        // NCRYPT_KEY_STORAGE_INTERFACE_VERSION_3: every function through VerifyClaim is present.
        table->Version = new BCRYPT_INTERFACE_VERSION { MajorVersion = 3, MinorVersion = 0 };
        table->OpenProvider = &Providers.OpenProvider;
        table->OpenKey = &Keys.OpenKey;
        table->CreatePersistedKey = &Unsupported.CreatePersistedKey;
        table->GetProviderProperty = &Providers.GetProviderProperty;
        table->GetKeyProperty = &Keys.GetKeyProperty;
        table->SetProviderProperty = &Unsupported.SetProviderProperty;
        table->SetKeyProperty = &Unsupported.SetKeyProperty;
        table->FinalizeKey = &Unsupported.FinalizeKey;
        table->DeleteKey = &Unsupported.DeleteKey;
        table->FreeProvider = &Providers.FreeProvider;
        table->FreeKey = &Keys.FreeKey;
        table->FreeBuffer = &Providers.FreeBuffer;
        table->Encrypt = &Unsupported.Encrypt;
        table->Decrypt = &Unsupported.Decrypt;
        table->IsAlgSupported = &Providers.IsAlgSupported;
        table->EnumAlgorithms = &Unsupported.EnumAlgorithms;
        table->EnumKeys = &Keys.EnumKeys;
        table->ImportKey = &Unsupported.ImportKey;
        table->ExportKey = &Keys.ExportKey;
        table->SignHash = &Signing.SignHash;
        table->VerifySignature = &Unsupported.VerifySignature;
        table->PromptUser = &Unsupported.PromptUser;
        table->NotifyChangeKey = &Unsupported.NotifyChangeKey;
        table->SecretAgreement = &Unsupported.SecretAgreement;
        table->DeriveKey = &Unsupported.DeriveKey;
        table->FreeSecret = &Unsupported.FreeSecret;
        table->KeyDerivation = &Unsupported.KeyDerivation;
        table->CreateClaim = &Unsupported.CreateClaim;
        table->VerifyClaim = &Unsupported.VerifyClaim;
        return table;
    }
}
