using CodeSigning.Pkcs11.Cryptoki;

namespace CodeSigning.Pkcs11.Tests;

[Collection(ProviderCollection.Name)]
public sealed class ProviderLifecycleTests(FakeServerFixture fixture) : ProviderTestBase(fixture)
{
    [Fact]
    public void Initialize_twice_is_already_initialized()
    {
        Initialize();

        Assert.Equal(CKR.CKR_CRYPTOKI_ALREADY_INITIALIZED, Code(() => Initialize()));
        Assert.True(Provider.IsInitialized);
    }

    [Fact]
    public void Mutex_callbacks_without_os_locking_are_refused_and_leave_the_provider_uninitialized()
    {
        var error = Assert.Throws<Pkcs11Exception>(() =>
            Provider.Initialize(new InitializeOptions(HasMutexCallbacks: true, OsLockingOk: false, WriteConfig(Config())), _ => null, TimeProvider.System));

        Assert.Equal(CKR.CKR_CANT_LOCK, error.Result);
        Assert.False(Provider.IsInitialized);
    }

    [Fact]
    public void Mutex_callbacks_with_os_locking_are_accepted()
    {
        Provider.Initialize(new InitializeOptions(HasMutexCallbacks: true, OsLockingOk: true, WriteConfig(Config())), _ => null, TimeProvider.System);

        Assert.True(Provider.IsInitialized);
    }

    [Fact]
    public void Calls_need_initialization()
    {
        Assert.Equal(CKR.CKR_CRYPTOKI_NOT_INITIALIZED, Assert.Throws<Pkcs11Exception>(Provider.Shutdown).Result);
        Assert.Equal(CKR.CKR_CRYPTOKI_NOT_INITIALIZED, Code(() => Provider.GetInfo()));
        Assert.Equal(CKR.CKR_CRYPTOKI_NOT_INITIALIZED, Code(() => _ = Provider.Current));
    }

    [Fact]
    public void Info_is_cryptoki_2_40_from_CodeSigning()
    {
        Initialize();

        var info = Provider.GetInfo();

        Assert.Equal((2, 40), (info.CryptokiMajor, info.CryptokiMinor));
        Assert.Equal("CodeSigning", info.ManufacturerId);
        Assert.Equal((1, 0), (info.LibraryMajor, info.LibraryMinor));
    }

    [Fact]
    public void Finalize_closes_every_session()
    {
        Initialize();
        var session = OpenSession(Fixture.Rsa);
        Provider.Shutdown();
        Initialize();

        Assert.Equal(CKR.CKR_SESSION_HANDLE_INVALID, Code(() => P.GetSessionInfo(session)));
    }
}
