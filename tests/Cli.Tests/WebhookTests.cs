namespace CodeSigning.Cli.Tests;

/// <summary><c>csign webhook</c> against the published server; the receiver is a closed port, so deliveries stay pending with their error.</summary>
[Collection(ServerCollection.Name)]
public sealed class WebhookTests(ServerFixture fixture) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_webhook_is_created_from_a_secret_file_its_failing_deliveries_show_and_it_is_deleted()
    {
        var (operatorName, operatorCsign) = await fixture.NewUserAsync("hook-op");
        var (approverName, _) = await fixture.NewUserAsync("hook-approver");
        var signer = await fixture.NewSignerAsync("hooked", "--operator", operatorName);
        await fixture.Admin.OkAsync("policy", "set", signer, "--approver", $"user:{approverName}", "--approvals-required", "1");
        var secret = _dir.File("secret");
        await File.WriteAllTextAsync(secret, new string('s', 64) + "\n");
        // Port 1 on loopback: nothing listens, every attempt is refused.
        const string url = "http://127.0.0.1:1/hook";

        var webhook = ServerFixture.Json(await fixture.Admin.OkAsync("webhook", "create", "--url", url, "--secret-file", secret,
            "--event", "request.created", "--signer", signer, "--json"));
        var id = webhook.GetProperty("id").GetString()!;
        Assert.Matches($"{id} +{url} +request.created +{signer}", await fixture.Admin.OkAsync("webhook", "list"));
        Assert.DoesNotContain(new string('s', 64), await fixture.Admin.OkAsync("webhook", "list", "--json"), StringComparison.Ordinal);

        var request = ServerFixture.Json(await operatorCsign.OkAsync("request", "create", "--signer", signer, "--justification", "hook", "--json"));
        Assert.Matches($"{request.GetProperty("id").GetString()} .* pending +0/1 ", await operatorCsign.OkAsync("request", "list", "--signer", signer));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string deliveries;
        while (!(deliveries = await fixture.Admin.OkAsync("webhook", "deliveries", id)).Contains("request.created", StringComparison.Ordinal)
            || !deliveries.Contains("Connection refused", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, deliveries);
            await Task.Delay(200);
        }
        Assert.Matches($"request.created +{signer} +pending +1 +- ", deliveries);
        Assert.Contains("request.created", await fixture.Admin.OkAsync("webhook", "deliveries", "--state", "pending"), StringComparison.Ordinal);

        await fixture.Admin.OkAsync("webhook", "delete", id);
        Assert.DoesNotContain(id, await fixture.Admin.OkAsync("webhook", "list"), StringComparison.Ordinal);
        Refusal.Assert(await fixture.Admin.RunAsync("webhook", "deliveries", id), "NOT_FOUND");
    }

    [Fact]
    public async Task A_short_secret_a_non_http_url_or_a_non_admin_is_refused_and_nothing_is_created()
    {
        var (_, userCsign) = await fixture.NewUserAsync("hook-user");
        var shortSecret = _dir.File("short");
        await File.WriteAllTextAsync(shortSecret, new string('s', 31));
        var goodSecret = _dir.File("good");
        await File.WriteAllTextAsync(goodSecret, new string('s', 32));
        var before = await fixture.Admin.OkAsync("webhook", "list", "--json");

        var refused = await fixture.Admin.RunAsync("webhook", "create", "--url", "http://127.0.0.1:1/hook", "--secret-file", shortSecret);
        Refusal.Assert(refused, "INVALID_ARGUMENT");
        Assert.Contains("at least 32 bytes", refused.Error, StringComparison.Ordinal);
        Refusal.Assert(await fixture.Admin.RunAsync("webhook", "create", "--url", "ftp://127.0.0.1/hook", "--secret-file", goodSecret), "INVALID_ARGUMENT");
        Refusal.Assert(await userCsign.RunAsync("webhook", "create", "--url", "http://127.0.0.1:1/hook", "--secret-file", goodSecret), "PRODUCT_ADMIN_REQUIRED");
        Assert.Equal(before, await fixture.Admin.OkAsync("webhook", "list", "--json"));
    }
}
