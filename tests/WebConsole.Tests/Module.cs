using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using CodeSigning.Tests.Shared;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace CodeSigning.WebConsole.Tests;

/// <summary>The published PKCS#11 module (artifacts/native/RID/) loaded into this process with Pkcs11Interop, configured for one API key.</summary>
internal static partial class Module
{
    private static readonly Pkcs11InteropFactories Factories = new();

    static Module()
    {
        // Pkcs11Interop 5.3 asks for "libdl"; Debian 12 ships only libdl.so.2.
        NativeLibrary.SetDllImportResolver(typeof(Pkcs11InteropFactories).Assembly, (name, _, _) =>
            name == "libdl" && OperatingSystem.IsLinux() ? NativeLibrary.Load("libdl.so.2") : IntPtr.Zero);
    }

    public static string Path => Environment.GetEnvironmentVariable("CODESIGN_PKCS11_MODULE") is { Length: > 0 } path
        ? path
        : System.IO.Path.Combine(ServerProcess.RepositoryRoot(), "artifacts", "native", "linux-x64", "libcodesign-pkcs11.so");

    /// <summary>C_Initialize with a configuration (0600, as the module demands) naming the server, its CA and the API key.</summary>
    public static IPkcs11Library Load(ServerProcess server, string apiKey, string directory)
    {
        var config = System.IO.Path.Combine(directory, "pkcs11.json");
        File.WriteAllText(config, new JsonObject
        {
            ["servers"] = new JsonArray(server.Url.ToString()),
            ["tls_ca_file"] = server.TlsCertificatePath,
            ["auth"] = new JsonObject { ["api_key"] = apiKey },
            ["call_timeout_ms"] = 10000,
            ["retries"] = 1,
            ["approval_wait_seconds"] = 0,
            ["cache_ttl_seconds"] = 0,
            ["log_file"] = System.IO.Path.Combine(directory, "module.log"),
        }.ToJsonString());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(config, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        Assert.Equal(0, setenv("CODESIGN_PKCS11_CONFIG", config, 1));
        Assert.True(File.Exists(Path), $"the published module is missing at {Path}: run ./build.sh build first");
        return Factories.Pkcs11LibraryFactory.LoadPkcs11Library(Factories, Path, AppType.MultiThreaded);
    }

    /// <summary>CKM_ECDSA_SHA256 with the Signer's private key, in a new session on its token.</summary>
    public static byte[] Sign(IPkcs11Library library, string signer, byte[] data)
    {
        var slot = library.GetSlotList(SlotsType.WithTokenPresent).Single(s => s.GetTokenInfo().Label == signer);
        using var session = slot.OpenSession(SessionType.ReadOnly);
        var key = session.FindAllObjects([session.Factories.ObjectAttributeFactory.Create(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY)]).Single();
        return session.Sign(session.Factories.MechanismFactory.Create(CKM.CKM_ECDSA_SHA256), key, data);
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);
}
