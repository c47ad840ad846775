using CodeSigning.Pkcs11.Cryptoki;

namespace CodeSigning.Pkcs11.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProviderStateCollection
{
    // The provider is process-wide state, as it is behind C_Initialize.
    public const string Name = "provider state";
}

[Collection(ProviderStateCollection.Name)]
public sealed class ProviderLifecycleTests : IDisposable
{
    public ProviderLifecycleTests() => ShutdownIfInitialized();

    public void Dispose() => ShutdownIfInitialized();

    [Fact]
    public void Initialize_twice_is_already_initialized()
    {
        Provider.Initialize(InitializeOptions.None);

        var error = Assert.Throws<Pkcs11Exception>(() => Provider.Initialize(InitializeOptions.None));
        Assert.Equal(CKR.CKR_CRYPTOKI_ALREADY_INITIALIZED, error.Result);
        Assert.True(Provider.IsInitialized);
    }

    [Fact]
    public void Mutex_callbacks_without_os_locking_are_refused_and_leave_the_provider_uninitialized()
    {
        var error = Assert.Throws<Pkcs11Exception>(() => Provider.Initialize(new InitializeOptions(HasMutexCallbacks: true, OsLockingOk: false, ConfigPath: null)));

        Assert.Equal(CKR.CKR_CANT_LOCK, error.Result);
        Assert.False(Provider.IsInitialized);
    }

    [Fact]
    public void Mutex_callbacks_with_os_locking_are_accepted()
    {
        Provider.Initialize(new InitializeOptions(HasMutexCallbacks: true, OsLockingOk: true, ConfigPath: null));

        Assert.True(Provider.IsInitialized);
    }

    [Fact]
    public void Shutdown_and_info_need_initialization()
    {
        Assert.Equal(CKR.CKR_CRYPTOKI_NOT_INITIALIZED, Assert.Throws<Pkcs11Exception>(Provider.Shutdown).Result);
        Assert.Equal(CKR.CKR_CRYPTOKI_NOT_INITIALIZED, Assert.Throws<Pkcs11Exception>(() => Provider.GetInfo()).Result);
    }

    [Fact]
    public void Info_is_cryptoki_2_40_from_CodeSigning()
    {
        Provider.Initialize(InitializeOptions.None);

        var info = Provider.GetInfo();

        Assert.Equal((2, 40), (info.CryptokiMajor, info.CryptokiMinor));
        Assert.Equal("CodeSigning", info.ManufacturerId);
        Assert.Equal((1, 0), (info.LibraryMajor, info.LibraryMinor));
    }

    private static void ShutdownIfInitialized()
    {
        if (Provider.IsInitialized)
        {
            Provider.Shutdown();
        }
    }
}
