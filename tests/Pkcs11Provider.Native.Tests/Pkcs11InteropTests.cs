using System.Runtime.InteropServices;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace CodeSigning.Pkcs11.Native.Tests;

/// <summary>The module through Pkcs11Interop, the .NET client many applications use.</summary>
[Collection(NativeModuleCollection.Name)]
public sealed class Pkcs11InteropTests
{
    static Pkcs11InteropTests()
    {
        // Pkcs11Interop 5.3 asks for "libdl"; Debian 12 ships only libdl.so.2.
        NativeLibrary.SetDllImportResolver(typeof(Pkcs11InteropFactories).Assembly, (name, _, _) =>
            name == "libdl" && OperatingSystem.IsLinux() ? NativeLibrary.Load("libdl.so.2") : IntPtr.Zero);
    }

    [Fact]
    public void Library_info_is_read_through_Pkcs11Interop()
    {
        RawCalls.EnsureFinalized();
        var factories = new Pkcs11InteropFactories();
        using var library = factories.Pkcs11LibraryFactory.LoadPkcs11Library(factories, NativeModule.Path, AppType.MultiThreaded);

        var info = library.GetInfo();

        Assert.Equal("2.40", info.CryptokiVersion);
        Assert.Equal("CodeSigning", info.ManufacturerId);
        Assert.Equal("CodeSigning PKCS#11 module", info.LibraryDescription);
        Assert.Equal("1.0", info.LibraryVersion);
    }
}
