namespace CodeSigning.Cli.Tests;

/// <summary>Users, API keys, groups and service accounts.</summary>
[Collection(ServerCollection.Name)]
public sealed class IdentityTests(ServerFixture fixture) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Api_keys_are_shown_once_listed_without_secret_and_dead_once_revoked()
    {
        var (name, csign) = await fixture.NewUserAsync("keyholder");
        var created = await csign.OkAsync("api-key", "create", "--description", "laptop", "--ttl", "7d");
        var secret = created.Split('\n')[0]["api-key: ".Length..].Trim();
        var id = ServerFixture.Json(await csign.OkAsync("api-key", "list", "--json")).GetProperty("apiKeys").EnumerateArray()
            .Single(k => k.TryGetProperty("description", out var d) && d.GetString() == "laptop").GetProperty("id").GetString()!;
        Assert.StartsWith("csk_", secret, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, await csign.OkAsync("api-key", "list"), StringComparison.Ordinal);

        var laptop = csign.With("CODESIGN_API_KEY", secret);
        Assert.Contains($"user:{name}", await laptop.OkAsync("whoami"), StringComparison.Ordinal);

        Assert.Contains($"API key {id} of {name} revoked", await csign.OkAsync("api-key", "revoke", id), StringComparison.Ordinal);
        Refusal.Assert(await laptop.RunAsync("whoami"), "CREDENTIAL_REVOKED");
        Assert.Matches($"{id} .* yes", await csign.OkAsync("api-key", "list", "--include-revoked"));
    }

    [Fact]
    public async Task Revoke_all_ends_every_key_of_a_user_and_the_keys_made_with_them()
    {
        var (name, csign) = await fixture.NewUserAsync("leaky");
        var made = ServerFixture.Json(await csign.OkAsync("api-key", "create", "--ttl", "365d", "--json"));
        var laptop = csign.With("CODESIGN_API_KEY", made.GetProperty("secret").GetString());
        Assert.Equal(ApiKeyOf(csign).Split('_')[1], made.GetProperty("apiKey").GetProperty("createdByApiKeyId").GetString());

        Refusal.Assert(await laptop.RunAsync("api-key", "revoke-all", "--user", "admin"), "PRODUCT_ADMIN_REQUIRED");
        Assert.Contains($"user:{name}", await laptop.OkAsync("whoami"), StringComparison.Ordinal);

        Assert.Contains("2 API key(s) revoked", await fixture.Admin.OkAsync("api-key", "revoke-all", "--user", name), StringComparison.Ordinal);
        Refusal.Assert(await csign.RunAsync("whoami"), "CREDENTIAL_REVOKED");
        Refusal.Assert(await laptop.RunAsync("whoami"), "CREDENTIAL_REVOKED");
        await fixture.Admin.OkAsync("whoami");
    }

    [Fact]
    public async Task Users_are_managed_by_product_admins_only()
    {
        var (name, csign) = await fixture.NewUserAsync("plain");
        Refusal.Assert(await csign.RunAsync("user", "create", fixture.Unique("sneaky")), "PRODUCT_ADMIN_REQUIRED");
        Refusal.Assert(await fixture.Admin.RunAsync("user", "create", name), "NAME_TAKEN");

        Assert.Contains("product admin: yes", await fixture.Admin.OkAsync("user", "set-admin", name, "on"), StringComparison.Ordinal);
        Assert.Contains("(Product Admin)", await csign.OkAsync("login", "--server", fixture.ServerUrl, "--api-key", ApiKeyOf(csign), "--ca-file", fixture.CaFile), StringComparison.Ordinal);

        await fixture.Admin.OkAsync("user", "disable", name);
        Refusal.Assert(await csign.RunAsync("whoami"), "CREDENTIAL_REVOKED");
    }

    [Fact]
    public async Task A_group_gives_its_members_the_groups_role()
    {
        var (user, csign) = await fixture.NewUserAsync("grouped");
        var group = fixture.Unique("release");
        var signer = await fixture.NewSignerAsync("by-group");
        await fixture.Admin.OkAsync("group", "create", group, "--description", "release engineers");
        await fixture.Admin.OkAsync("group", "add-member", group, user);
        await fixture.Admin.OkAsync("member", "set", signer, $"group:{group}", "--role", "operator");
        await File.WriteAllTextAsync(_dir.File("data"), "x");

        Assert.Contains($"members:     user:{user}", await fixture.Admin.OkAsync("group", "show", group), StringComparison.Ordinal);
        await csign.OkAsync("sign", "--signer", signer, "--in", _dir.File("data"));

        await fixture.Admin.OkAsync("group", "remove-member", group, user);
        File.Delete(_dir.File("data.sig"));
        Assert.Equal(1, (await csign.RunAsync("sign", "--signer", signer, "--in", _dir.File("data"))).ExitCode);
        Assert.False(File.Exists(_dir.File("data.sig")));
        Refusal.Assert(await csign.RunAsync("group", "create", fixture.Unique("mine")), "PRODUCT_ADMIN_REQUIRED");
    }

    [Fact]
    public async Task Removing_the_last_administrator_is_refused_and_changes_nothing()
    {
        var signer = await fixture.NewSignerAsync("last-admin");
        var before = await fixture.Admin.OkAsync("member", "list", signer);

        Refusal.Assert(await fixture.Admin.RunAsync("member", "remove", signer, "user:admin"), "CONFLICT");

        Assert.Equal(before, await fixture.Admin.OkAsync("member", "list", signer));
    }

    [Fact]
    public async Task Service_account_keys_are_made_locally_and_the_account_logs_in_with_them()
    {
        var name = fixture.Unique("ci-bot");
        var keyFile = _dir.File("ci.key.pem");

        var output = await fixture.Admin.OkAsync("service-account", "create", name, "--description", "CI", "--private-key-out", keyFile);

        OwnerOnly.AssertMode(keyFile);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", await File.ReadAllTextAsync(keyFile), StringComparison.Ordinal);
        // The printed line works as it is against the self-signed server: it names the CA file too.
        var login = output.Split('\n').Single(l => l.TrimStart().StartsWith("csign login", StringComparison.Ordinal)).Trim().Split(' ');
        Assert.Equal(["--ca-file", fixture.CaFile], login[^2..]);
        var machine = fixture.NewRunner();
        await machine.OkAsync(login[1..]);
        Assert.Contains($"service-account:{name}", await machine.OkAsync("whoami"), StringComparison.Ordinal);

        var signer = await fixture.NewSignerAsync("for-bot", "--operator", $"sa:{name}");
        await File.WriteAllTextAsync(_dir.File("artifact"), "built by CI");
        await machine.OkAsync("sign", "--signer", signer, "--in", _dir.File("artifact"));
    }

    [Fact]
    public async Task Service_account_creation_never_overwrites_a_key_file_and_then_creates_nothing()
    {
        var name = fixture.Unique("careful-bot");
        var keyFile = _dir.File("existing.pem");
        await File.WriteAllTextAsync(keyFile, "precious");

        var run = await fixture.Admin.RunAsync("service-account", "create", name, "--private-key-out", keyFile);

        Assert.Equal(4, run.ExitCode);
        Assert.Equal($"csign: {keyFile} already exists; csign never overwrites a private key (choose another --private-key-out){Environment.NewLine}", run.Error);
        Assert.Equal("precious", await File.ReadAllTextAsync(keyFile));
        Refusal.Assert(await fixture.Admin.RunAsync("service-account", "show", name), "NOT_FOUND");
    }

    private static string ApiKeyOf(CliRunner csign) =>
        ServerFixture.Json(File.ReadAllText(Path.Combine(csign.Home, ".config", "codesign", "csign.json"))).GetProperty("api_key").GetString()!;
}
