using System.Globalization;
using System.Text.Json;
using CodeSigning.Tests.Shared;
using Microsoft.Data.Sqlite;

namespace CodeSigning.Cli.Tests;

[Collection(ServerCollection.Name)]
public sealed class AuditTests(ServerFixture fixture) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Query_shows_the_signature_with_its_digest_and_export_writes_jsonl_and_csv()
    {
        var signer = await fixture.NewSignerAsync("audited");
        await File.WriteAllTextAsync(_dir.File("data"), "audited payload");
        var signed = await fixture.Admin.OkAsync("sign", "--signer", signer, "--in", _dir.File("data"), "--json");
        var eventId = ServerFixture.Json(signed).GetProperty("auditEventId").GetString()!;

        var table = await fixture.Admin.OkAsync("audit", "query", "--signer", signer, "--type", "signature.");
        Assert.Matches("signature\\.created +success +user:admin", table);

        await fixture.Admin.OkAsync("audit", "export", "--signer", signer, "--format", "jsonl", "--out", _dir.File("events.jsonl"));
        var events = (await File.ReadAllLinesAsync(_dir.File("events.jsonl"))).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Contains(events, e => e.GetProperty("type").GetString() == "signer.created");
        var signature = Assert.Single(events, e => e.GetProperty("id").GetString() == eventId);
        Assert.Equal("signature.created", signature.GetProperty("type").GetString());

        await fixture.Admin.OkAsync("audit", "export", "--signer", signer, "--type", "signature.created", "--format", "csv", "--out", _dir.File("events.csv"));
        var csv = await File.ReadAllTextAsync(_dir.File("events.csv"));
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("sequence,id,time,type,outcome,actor,signer,reason,remote_address,client,details,hash,previous_hash", lines[0]);
        Assert.Equal(2, lines.Length);
        Assert.Contains($",{eventId},", lines[1], StringComparison.Ordinal);
        Assert.Contains($",signature.created,success,user:admin,{signer},", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_export_leaves_the_previous_file_as_it_was()
    {
        var (_, outsider) = await fixture.NewUserAsync("nosy");
        var path = _dir.File("events.csv");
        await File.WriteAllTextAsync(path, "last week's export");

        Refusal.Assert(await outsider.RunAsync("audit", "export", "--signer", ServerFixture.EcSigner, "--format", "csv", "--out", path), "SIGNER_NOT_FOUND");

        Assert.Equal("last week's export", await File.ReadAllTextAsync(path));
        Assert.False(File.Exists(path + ".partial"));
    }

    [Fact]
    public async Task Refusals_are_audited_as_denied()
    {
        var signer = await fixture.NewSignerAsync("refusing");
        await fixture.Admin.OkAsync("signer", "disable", signer);
        await File.WriteAllTextAsync(_dir.File("data"), "x");
        Refusal.Assert(await fixture.Admin.RunAsync("sign", "--signer", signer, "--in", _dir.File("data")), "SIGNER_DISABLED");

        var denied = ServerFixture.Json(await fixture.Admin.OkAsync("audit", "query", "--signer", signer, "--outcome", "denied", "--json"));

        var e = Assert.Single(denied.GetProperty("events").EnumerateArray());
        Assert.Equal("SIGNER_DISABLED", e.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Verify_reports_an_intact_chain_and_is_for_product_admins()
    {
        Assert.Matches("^audit chain valid: \\d+ events checked", await fixture.Admin.OkAsync("audit", "verify"));

        var (_, user) = await fixture.NewUserAsync("curious");
        Refusal.Assert(await user.RunAsync("audit", "verify"), "PRODUCT_ADMIN_REQUIRED");
    }

    [Fact]
    public async Task Verify_exits_1_and_names_the_first_event_that_was_tampered_with()
    {
        // A server of its own: the shared one's chain must stay intact for the other tests.
        await using var server = await ServerProcess.StartAsync();
        var admin = fixture.NewRunner();
        await admin.OkAsync("login", "--server", server.Url.GetLeftPart(UriPartial.Authority), "--api-key", server.AdminApiKey, "--ca-file", server.TlsCertificatePath!);
        await admin.OkAsync("group", "create", "first");
        await admin.OkAsync("group", "create", "second");
        var second = ServerFixture.Json(await admin.OkAsync("audit", "query", "--type", "group.", "--json")).GetProperty("events")[1].GetProperty("sequence").GetString();

        await using (var database = new SqliteConnection($"Data Source={Path.Combine(server.DataDir, "codesign.db")}"))
        {
            await database.OpenAsync();
            using var tamper = database.CreateCommand();
            tamper.CommandText = "DROP TRIGGER audit_events_no_update; UPDATE audit_events SET actor_name = 'someone-else' WHERE sequence = $sequence;";
            tamper.Parameters.AddWithValue("$sequence", long.Parse(second!, CultureInfo.InvariantCulture));
            Assert.Equal(1, await tamper.ExecuteNonQueryAsync());
        }

        var run = await admin.RunAsync("audit", "verify");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"audit chain BROKEN at event {second} ", run.Out, StringComparison.Ordinal);
        Assert.StartsWith($"csign: the audit chain does not verify from event {second}:", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Follow_prints_new_events_as_they_are_committed_until_stopped()
    {
        var signer = await fixture.NewSignerAsync("followed");
        await File.WriteAllTextAsync(_dir.File("data"), "x");
        using var stop = new CancellationTokenSource();
        using var output = new LineSignal("signature.created");

        var follow = fixture.Admin.RunAsync(output, stop.Token, "audit", "follow", "--signer", signer, "--type", "signature.", "--json");
        await fixture.Admin.OkAsync("sign", "--signer", signer, "--in", _dir.File("data"));
        // A safety net against a hang, not a speed requirement.
        await output.Seen.WaitAsync(TimeSpan.FromMinutes(2));
        await stop.CancelAsync();
        var run = await follow;

        Assert.True(run.ExitCode == 0, run.ToString());
        var line = Assert.Single(run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(signer, JsonDocument.Parse(line).RootElement.GetProperty("signerName").GetString());
    }

    /// <summary>Captures output and signals when a line holding <paramref name="text"/> is written.</summary>
    private sealed class LineSignal(string text) : StringWriter
    {
        private readonly TaskCompletionSource _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Seen => _seen.Task;

        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (value?.Contains(text, StringComparison.Ordinal) == true)
            {
                _seen.TrySetResult();
            }
        }
    }
}
