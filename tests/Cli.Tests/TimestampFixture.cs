using CodeSigning.Tests.Shared;

namespace CodeSigning.Cli.Tests;

/// <summary>
/// The published server with its timestamp authority on the HTTPS port and on a plain-HTTP
/// <c>--tsa-listen</c> listener, summarizing into the audit log every second, without a rate
/// limit; an RSA Signer set up
/// for the published PKCS#11 module (its <c>root.pem</c> is the trust anchor of every check).
/// </summary>
public sealed class TimestampFixture : IAsyncLifetime
{
    public const string Signer = "tsa-jar-signer";

    private readonly TempDirectory _home = new();

    public ServerProcess Server { get; private set; } = null!;

    public CliRunner Admin { get; private set; } = null!;

    public TempDirectory Work { get; } = new();

    /// <summary>Written by <c>csign pkcs11 setup</c>: pkcs11.json, sunpkcs11.cfg, chain.pem, root.pem.</summary>
    public string SetupDir => Work.File("pkcs11");

    public string RootPem => Path.Combine(SetupDir, "root.pem");

    /// <summary>The plain-HTTP URL, what signing tools are given.</summary>
    public Uri PlainUrl => Server.TimestampUrl!;

    public async Task InitializeAsync()
    {
        // No rate limit: the tests send more than the default from one address (the limit has a test of its own).
        Server = await ServerProcess.StartAsync(serveArguments: ["--tsa-listen", "127.0.0.1:0", "--tsa-audit-interval", "1", "--tsa-rate-limit", "0"]);
        Admin = new CliRunner(_home.Path);
        await Admin.OkAsync("login", "--server", Server.Url.GetLeftPart(UriPartial.Authority), "--api-key", Server.AdminApiKey, "--ca-file", Server.TlsCertificatePath!);
        await Admin.OkAsync("signer", "create", "--name", Signer, "--algorithm", "rsa-2048");
        await Admin.OkAsync("pkcs11", "setup", "--signer", Signer, "--dir", SetupDir, "--module", Pkcs11SetupTests.PublishedModule);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        _home.Dispose();
        Work.Dispose();
    }
}
