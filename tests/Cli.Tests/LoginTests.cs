using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CodeSigning.Cli.Tests;

[Collection(ServerCollection.Name)]
public sealed class LoginTests(ServerFixture fixture)
{
    [Fact]
    public async Task Login_checks_the_key_then_stores_it_readable_by_the_owner_only()
    {
        var csign = fixture.NewRunner();

        var output = await csign.OkAsync("login", "--server", fixture.ServerUrl, "--api-key", fixture.Server.AdminApiKey, "--ca-file", fixture.CaFile);

        Assert.Contains("as user:admin (Product Admin)", output, StringComparison.Ordinal);
        var path = Path.Combine(csign.Home, ".config", "codesign", "csign.json");
        OwnerOnly.AssertMode(path);
        var stored = ServerFixture.Json(await File.ReadAllTextAsync(path));
        Assert.Equal(fixture.ServerUrl, stored.GetProperty("server").GetString());
        Assert.Equal(fixture.Server.AdminApiKey, stored.GetProperty("api_key").GetString());
        Assert.Contains("principal:     user:admin", await csign.OkAsync("whoami"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_api_key_is_refused_and_nothing_is_stored()
    {
        var csign = fixture.NewRunner();

        var run = await csign.RunAsync("login", "--server", fixture.ServerUrl, "--api-key", "csk_nosuchkey_secret", "--ca-file", fixture.CaFile);

        Refusal.Assert(run, "CREDENTIAL_INVALID");
        Assert.Contains("log in again", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(csign.Home, ".config", "codesign", "csign.json")));
    }

    [Fact]
    public async Task An_untrusted_server_certificate_exits_3_and_says_how_to_trust_it()
    {
        var csign = fixture.NewRunner();

        var run = await csign.RunAsync("login", "--server", fixture.ServerUrl, "--api-key", fixture.Server.AdminApiKey);

        Assert.Equal(3, run.ExitCode);
        Assert.StartsWith($"csign: TLS with {fixture.ServerUrl} failed:", run.Error, StringComparison.Ordinal);
        Assert.Contains("--ca-file", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(csign.Home, ".config", "codesign", "csign.json")));
    }

    [Fact]
    public async Task A_ca_file_that_did_not_issue_the_server_certificate_exits_3_and_stores_nothing()
    {
        var csign = fixture.NewRunner();
        using var key = ECDsa.Create();
        using var otherCa = new CertificateRequest("CN=another CA", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var wrongCa = Path.Combine(csign.Home, "wrong-ca.pem");
        await File.WriteAllTextAsync(wrongCa, otherCa.ExportCertificatePem());

        var run = await csign.RunAsync("login", "--server", fixture.ServerUrl, "--api-key", fixture.Server.AdminApiKey, "--ca-file", wrongCa);

        Assert.Equal(3, run.ExitCode);
        Assert.StartsWith($"csign: TLS with {fixture.ServerUrl} failed:", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(csign.Home, ".config", "codesign", "csign.json")));
    }

    [Fact]
    public async Task The_environment_overrides_the_stored_key()
    {
        var run = await fixture.Admin.With("CODESIGN_API_KEY", "csk_revoked_or_unknown").RunAsync("whoami");

        Refusal.Assert(run, "CREDENTIAL_INVALID");
    }

    [Fact]
    public async Task Json_output_is_the_rpc_response()
    {
        var me = ServerFixture.Json(await fixture.Admin.OkAsync("whoami", "--json"));

        Assert.Equal("admin", me.GetProperty("principal").GetProperty("name").GetString());
        Assert.True(me.GetProperty("productAdmin").GetBoolean());
    }
}
