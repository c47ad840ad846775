using System.Text;
using CodeSigning.Pkcs11.Cryptoki;

namespace CodeSigning.Pkcs11.Native.Tests;

/// <summary>C_Initialize, C_Finalize and C_GetInfo as a C caller sees them.</summary>
[Collection(NativeModuleCollection.Name)]
public sealed unsafe class InitializeTests : IDisposable
{
    public InitializeTests() => RawCalls.EnsureFinalized();

    public void Dispose() => RawCalls.EnsureFinalized();

    [Fact]
    public void Calls_before_C_Initialize_answer_not_initialized()
    {
        RawCalls.Info info;
        Assert.Equal((nuint)CKR.CKR_CRYPTOKI_NOT_INITIALIZED, RawCalls.GetInfo(&info));
        Assert.Equal((nuint)CKR.CKR_CRYPTOKI_NOT_INITIALIZED, RawCalls.Finalize(null));
    }

    [Fact]
    public void Initialize_twice_is_refused_and_finalize_ends_the_session()
    {
        Assert.Equal((nuint)CKR.CKR_OK, RawCalls.Initialize(null));
        Assert.Equal((nuint)CKR.CKR_CRYPTOKI_ALREADY_INITIALIZED, RawCalls.Initialize(null));

        var reserved = 1;
        Assert.Equal((nuint)CKR.CKR_ARGUMENTS_BAD, RawCalls.Finalize(&reserved));
        Assert.Equal((nuint)CKR.CKR_OK, RawCalls.Finalize(null));
        Assert.Equal((nuint)CKR.CKR_CRYPTOKI_NOT_INITIALIZED, RawCalls.Finalize(null));
        Assert.Equal((nuint)CKR.CKR_OK, RawCalls.Initialize(null));
    }

    [Fact]
    public void Mutex_callbacks_without_os_locking_cannot_lock()
    {
        var args = new RawCalls.InitializeArgs { CreateMutex = 1, DestroyMutex = 2, LockMutex = 3, UnlockMutex = 4 };
        Assert.Equal((nuint)CKR.CKR_CANT_LOCK, RawCalls.Initialize(&args));

        args.Flags = RawCalls.CKF_OS_LOCKING_OK;
        Assert.Equal((nuint)CKR.CKR_OK, RawCalls.Initialize(&args));
    }

    [Fact]
    public void Some_but_not_all_mutex_callbacks_are_bad_arguments()
    {
        var args = new RawCalls.InitializeArgs { CreateMutex = 1, Flags = RawCalls.CKF_OS_LOCKING_OK };
        Assert.Equal((nuint)CKR.CKR_ARGUMENTS_BAD, RawCalls.Initialize(&args));

        // Nothing was initialized by the refused call.
        RawCalls.Info info;
        Assert.Equal((nuint)CKR.CKR_CRYPTOKI_NOT_INITIALIZED, RawCalls.GetInfo(&info));
    }

    [Fact]
    public void C_GetInfo_reports_version_2_40_and_blank_padded_identity()
    {
        Assert.Equal((nuint)CKR.CKR_OK, RawCalls.Initialize(null));
        RawCalls.Info info;
        Assert.Equal((nuint)CKR.CKR_OK, RawCalls.GetInfo(&info));

        Assert.Equal(2, info.CryptokiVersion.Major);
        Assert.Equal(40, info.CryptokiVersion.Minor);
        Assert.Equal("CodeSigning".PadRight(32), Encoding.UTF8.GetString(info.ManufacturerId, 32));
        Assert.Equal("CodeSigning PKCS#11 module".PadRight(32), Encoding.UTF8.GetString(info.LibraryDescription, 32));
        Assert.Equal((nuint)0, info.Flags);
        Assert.Equal(1, info.LibraryVersion.Major);
        Assert.Equal((nuint)CKR.CKR_ARGUMENTS_BAD, RawCalls.GetInfo(null));
    }
}
