using System.Text.Json.Nodes;
using CodeSigning.Pkcs11.Cryptoki;
using CodeSigning.Pkcs11.Mechanisms;
using CodeSigning.Pkcs11.Objects;
using CodeSigning.Pkcs11.Tests.Fakes;

namespace CodeSigning.Pkcs11.Tests;

/// <summary>Initializes the provider against the fake server with a configuration file written per test.</summary>
public abstract class ProviderTestBase : IDisposable
{
    protected ProviderTestBase(FakeServerFixture fixture)
    {
        Fixture = fixture;
        fixture.Reset();
        Directory = System.IO.Directory.CreateTempSubdirectory("pkcs11-core-");
        LogFile = Path.Combine(Directory.FullName, "module.log");
    }

    protected FakeServerFixture Fixture { get; }

    protected FakeSigningServer Server => Fixture.Server;

    protected DirectoryInfo Directory { get; }

    protected string LogFile { get; }

    protected static Provider P => Provider.Current;

    public void Dispose()
    {
        if (Provider.IsInitialized)
        {
            Provider.Shutdown();
        }

        Fixture.Reset();
        Directory.Delete(recursive: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>A configuration as JSON, with the fake server and the operator's API key unless changed.</summary>
    protected JsonObject Config() => new()
    {
        ["servers"] = new JsonArray(Server.Url),
        ["auth"] = new JsonObject { ["api_key"] = FakeServerFixture.ApiKey },
        ["call_timeout_ms"] = 5000,
        ["retries"] = 1,
        ["log_level"] = "debug",
        ["log_file"] = LogFile,
    };

    protected string WriteConfig(JsonObject config, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite)
    {
        var path = Path.Combine(Directory.FullName, $"pkcs11-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, config.ToJsonString());
        SetMode(path, mode);
        return path;
    }

    /// <summary>Permissions matter on Unix only; the module does not check them on Windows.</summary>
    protected static void SetMode(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }
    }

    protected void Initialize(JsonObject? config = null) =>
        Provider.Initialize(new InitializeOptions(false, true, WriteConfig(config ?? Config())), _ => null, TimeProvider.System);

    protected static CKR Code(Action call) => Assert.Throws<Pkcs11Exception>(call).Result;

    protected ulong SlotOf(FakeSigner signer) => P.GetSlotList().Single(s => P.GetTokenInfo(s).Label == signer.Name);

    protected ulong OpenSession(FakeSigner signer) => P.OpenSession(SlotOf(signer), CKF.CKF_SERIAL_SESSION);

    protected static ulong[] Find(ulong session, params TemplateAttribute[] template)
    {
        P.FindObjectsInit(session, template);
        var found = P.FindObjects(session, 100);
        P.FindObjectsFinal(session);
        return found;
    }

    protected static TemplateAttribute Class(ulong objectClass) => new(CKA.CKA_CLASS, CkUlong.Encode(objectClass));

    protected static ulong PrivateKey(ulong session) => Find(session, Class(CKO.CKO_PRIVATE_KEY)).Single();

    protected static ulong PublicKey(ulong session) => Find(session, Class(CKO.CKO_PUBLIC_KEY)).Single();

    protected static byte[] Attribute(ulong session, ulong obj, ulong type)
    {
        var read = new AttributeRead(type, 4096);
        Assert.Equal(CKR.CKR_OK, P.GetAttributeValue(session, obj, [read]));
        return read.Value!;
    }

    /// <summary>C_SignInit, the size query, then C_Sign.</summary>
    protected static byte[] Sign(ulong session, ulong mechanism, byte[] data, PssParameters? pss = null)
    {
        P.SignInit(session, mechanism, pss, PrivateKey(session));
        var query = P.Sign(session, data, null);
        var output = P.Sign(session, data, query.Length);
        Assert.Equal(CKR.CKR_OK, output.Result);
        return output.Signature!;
    }

    protected string Log() => File.Exists(LogFile) ? File.ReadAllText(LogFile) : "";
}
