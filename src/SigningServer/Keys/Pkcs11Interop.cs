using System.Runtime.InteropServices;
using Net.Pkcs11Interop.HighLevelAPI;

namespace CodeSigning.Server.Keys;

/// <summary>Pkcs11Interop's factories, with its <c>libdl</c> import mapped to the name Linux distributions ship.</summary>
internal static class Pkcs11Interop
{
    public static readonly Pkcs11InteropFactories Factories = new();

    static Pkcs11Interop()
    {
        // Pkcs11Interop imports "libdl", which Debian 12 and later ship only as libdl.so.2.
        NativeLibrary.SetDllImportResolver(typeof(Pkcs11InteropFactories).Assembly, (name, _, _) =>
            name == "libdl" && OperatingSystem.IsLinux() ? NativeLibrary.Load("libdl.so.2") : IntPtr.Zero);
    }
}
