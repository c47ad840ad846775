using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using CodeSigning.Pkcs11.Tests.Fakes;
using CodeSigning.V1;

namespace CodeSigning.Pkcs11.Native.Tests;

/// <summary>
/// The fake server and a module configuration pointing at it, named by CODESIGN_PKCS11_CONFIG in
/// the process environment (set with libc setenv: the module reads the C environment, not .NET's copy).
/// </summary>
public sealed partial class NativeServerFixture : IAsyncLifetime
{
    public const string ApiKey = "csk_native_operator";

    public FakeSigningServer Server { get; } = new();

    public FakeSigner Rsa { get; } = new("native-rsa", RSA.Create(2048), KeyAlgorithm.Rsa2048);

    public FakeSigner P256 { get; } = new("native-p256", ECDsa.Create(ECCurve.NamedCurves.nistP256), KeyAlgorithm.EcP256);

    public DirectoryInfo Directory { get; } = System.IO.Directory.CreateTempSubdirectory("pkcs11-native-");

    public string ConfigPath => Path.Combine(Directory.FullName, "pkcs11.json");

    public string LogFile => Path.Combine(Directory.FullName, "module.log");

    public async Task InitializeAsync()
    {
        Server.Add(Rsa, ApiKey);
        Server.Add(P256, ApiKey);
        await Server.StartAsync();
        WriteConfig(Config());
        UseConfig(ConfigPath);
    }

    /// <summary>Points the next C_Initialize of the in-process module at another configuration file.</summary>
    public static void UseConfig(string path) => Assert.Equal(0, setenv("CODESIGN_PKCS11_CONFIG", path, 1));

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(recursive: true);
    }

    public JsonObject Config() => new()
    {
        ["servers"] = new JsonArray(Server.Url),
        ["auth"] = new JsonObject { ["api_key"] = ApiKey },
        ["call_timeout_ms"] = 3000,
        ["retries"] = 1,
        ["log_level"] = "information",
        ["log_file"] = LogFile,
    };

    /// <summary>Replaces the configuration the next C_Initialize reads.</summary>
    public void WriteConfig(JsonObject config) => TestFiles.WriteConfig(ConfigPath, config);

    public void Reset()
    {
        Server.Delay = TimeSpan.Zero;
        Server.Failure = null;
        Rsa.ApprovalRequired = false;
        Rsa.Enabled = true;
        P256.Enabled = true;
        Server.SignRequests.Clear();
        WriteConfig(Config());
        UseConfig(ConfigPath);
    }

    public string Log() => File.Exists(LogFile) ? File.ReadAllText(LogFile) : "";

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);
}
