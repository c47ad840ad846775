using System.Globalization;
using System.Text.Json;
using CodeSigning.Tests.Shared;

namespace CodeSigning.Cli.Tests;

/// <summary>
/// Signed checkpoints of the chain's head, outside the database: the published server writes them
/// every second here (--audit-checkpoint-interval 1); an attacker with the database deletes the newest
/// events with sqlite3; audit verify must say BROKEN, exit 1, and name the cut.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class AuditCheckpointTests(ServerFixture fixture) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Verify_reports_deleted_newest_events_as_broken_against_the_checkpoint_file_and_an_exported_one()
    {
        // A server of its own: this one is tampered with.
        await using var server = await ServerProcess.StartAsync(serveArguments: ["--audit-checkpoint-interval", "1"]);
        var admin = fixture.NewRunner();
        await admin.OkAsync("login", "--server", server.Url.GetLeftPart(UriPartial.Authority), "--api-key", server.AdminApiKey, "--ca-file", server.TlsCertificatePath!);
        for (var i = 0; i < 4; i++)
        {
            await admin.OkAsync("group", "create", $"g{i}");
        }
        var checkpointFile = Path.Combine(server.DataDir, "audit-checkpoints.jsonl");
        var head = await HeadAsync(admin);
        await WaitForCheckpointAsync(checkpointFile, head);

        // The positive case: intact, and consistent with the checkpoint.
        Assert.Equal($"audit chain valid: {head} events checked, consistent with the checkpoint at event {head}", (await admin.OkAsync("audit", "verify")).Trim());
        head = await HeadAsync(admin); // + audit.verified
        var exported = _dir.File("kept-elsewhere.jsonl");
        await admin.OkAsync("audit", "checkpoint", "export", "--out", exported);
        var kept = JsonDocument.Parse(Assert.Single(await File.ReadAllLinesAsync(exported))).RootElement;
        Assert.Equal(head, kept.GetProperty("sequence").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(Convert.FromBase64String(
            JsonDocument.Parse(await admin.OkAsync("audit", "query", "--json")).RootElement.GetProperty("events")[(int)head - 1].GetProperty("hash").GetString()!)),
            kept.GetProperty("hash").GetString());
        head = await HeadAsync(admin); // + audit.checkpointed
        await WaitForCheckpointAsync(checkpointFile, head);

        // The attack: stop, drop the no-delete trigger, delete the newest 3 events, restart.
        server.Kill();
        var (exit, output) = server.Database is null
            ? await ExternalTool.RunAsync("sqlite3", Path.Combine(server.DataDir, "codesign.db"),
                $"DROP TRIGGER audit_events_no_delete; DELETE FROM audit_events WHERE sequence > {head - 3};")
            : await ExternalTool.RunAsync("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", server.Database,
                "-c", $"DROP TRIGGER audit_events_no_update ON audit_events; DELETE FROM audit_events WHERE sequence > {head - 3};");
        Assert.True(exit == 0, output);
        await server.RestartAsync();

        var run = await admin.RunAsync("audit", "verify");
        Assert.True(run.ExitCode == 1, run.ToString());
        var expected = $"the log ends at event {head - 3}, before the checkpoint of ";
        Assert.StartsWith($"audit chain BROKEN at event {head - 2} ({head - 3} checked): {expected}", run.Out, StringComparison.Ordinal);
        Assert.Contains($"(event {head}): events were deleted", run.Out, StringComparison.Ordinal);
        Assert.StartsWith($"csign: the audit chain does not verify from event {head - 2}: {expected}", run.Error, StringComparison.Ordinal);
        // New events chain on, yet the server writes no checkpoint over the cut.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Contains("No audit checkpoint written", server.StandardError, StringComparison.Ordinal);
        Assert.Equal(head, LastCheckpointSequence(checkpointFile));

        // An attacker who also deletes the checkpoint file beats the server's own file (docs/security.md
        // says so), but not the checkpoint the operator exported.
        File.Delete(checkpointFile);
        await admin.OkAsync("audit", "verify");
        var withKept = await admin.RunAsync("audit", "verify", "--checkpoints", exported);
        Assert.True(withKept.ExitCode == 1, withKept.ToString());
        // New events took the deleted ones' places: the event the operator's checkpoint names is another one now.
        var keptSequence = kept.GetProperty("sequence").GetInt64();
        Assert.StartsWith($"audit chain BROKEN at event {keptSequence} ", withKept.Out, StringComparison.Ordinal);
        Assert.Contains($"event {keptSequence} is not the one the checkpoint of ", withKept.Out, StringComparison.Ordinal);
        Assert.Contains("signed: the database was replaced or rewritten", withKept.Out, StringComparison.Ordinal);

        // A checkpoint line that is not one is refused, not taken for a verdict.
        await File.WriteAllTextAsync(_dir.File("junk.jsonl"), "{\"sequence\": 1}\n");
        Refusal.Assert(await admin.RunAsync("audit", "verify", "--checkpoints", _dir.File("junk.jsonl")), "INVALID_ARGUMENT");
    }

    private static async Task<long> HeadAsync(CliRunner admin)
    {
        var events = JsonDocument.Parse(await admin.OkAsync("audit", "query", "--limit", "1000", "--json")).RootElement.GetProperty("events");
        return long.Parse(events[events.GetArrayLength() - 1].GetProperty("sequence").GetString()!, CultureInfo.InvariantCulture);
    }

    private static async Task WaitForCheckpointAsync(string file, long sequence)
    {
        // A safety net against a hang, not a speed requirement: the server checkpoints every second.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (LastCheckpointSequence(file) != sequence)
        {
            Assert.True(DateTime.UtcNow < deadline, $"no checkpoint of event {sequence} in {file}");
            await Task.Delay(200);
        }
    }

    private static long LastCheckpointSequence(string file) =>
        File.Exists(file) && File.ReadAllLines(file).LastOrDefault(l => l.Length > 0) is { } line
            ? JsonDocument.Parse(line).RootElement.GetProperty("sequence").GetInt64()
            : 0;
}
