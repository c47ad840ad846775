using System.Text.Json;
using CodeSigning.Tests.Shared;

namespace CodeSigning.Cli.Tests;

/// <summary>
/// One real server (the published binary, TLS on loopback) for every server-backed test, its first
/// admin logged in with csign, and two Signers made once (key generation is the slow part).
/// </summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public const string EcSigner = "fixture-ec";
    public const string RsaSigner = "fixture-rsa";

    private readonly List<TempDirectory> _homes = [];
    private int _counter;

    public ServerProcess Server { get; private set; } = null!;

    public CliRunner Admin { get; private set; } = null!;

    /// <summary>The URL as the server prints it and users type it: no trailing slash.</summary>
    public string ServerUrl => Server.Url.GetLeftPart(UriPartial.Authority);

    public string CaFile => Server.TlsCertificatePath!;

    public async Task InitializeAsync()
    {
        Server = await ServerProcess.StartAsync();
        Admin = await LoginAsync(Server.AdminApiKey);
        await Admin.OkAsync("signer", "create", "--name", EcSigner, "--algorithm", "ec-p256");
        await Admin.OkAsync("signer", "create", "--name", RsaSigner, "--algorithm", "rsa-2048");
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        foreach (var home in _homes)
        {
            home.Dispose();
        }
    }

    /// <summary>A name no other test uses, so tests share the server without seeing each other's objects.</summary>
    public string Unique(string prefix) => $"{prefix}-{Interlocked.Increment(ref _counter)}";

    /// <summary>A csign with its own home directory, not logged in.</summary>
    public CliRunner NewRunner()
    {
        var home = new TempDirectory();
        _homes.Add(home);
        return new CliRunner(home.Path);
    }

    public async Task<CliRunner> LoginAsync(string apiKey)
    {
        var runner = NewRunner();
        await runner.OkAsync("login", "--server", ServerUrl, "--api-key", apiKey, "--ca-file", CaFile);
        return runner;
    }

    /// <summary>A new user with an API key, logged in with csign.</summary>
    public async Task<(string Name, CliRunner Csign)> NewUserAsync(string prefix)
    {
        var name = Unique(prefix);
        await Admin.OkAsync("user", "create", name);
        var created = await Admin.OkAsync("api-key", "create", "--user", name, "--json");
        return (name, await LoginAsync(Json(created).GetProperty("secret").GetString()!));
    }

    /// <summary>A new Signer (EC, fast to make) with the admin as its Administrator.</summary>
    public async Task<string> NewSignerAsync(string prefix, params string[] options)
    {
        var name = Unique(prefix);
        await Admin.OkAsync(["signer", "create", "--name", name, "--algorithm", "ec-p256", .. options]);
        return name;
    }

    public static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;
}

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "server";
}
