namespace CodeSigning.Cli.Tests;

/// <summary>
/// csign after the outside review (issue 14): control characters from the server never reach the
/// terminal raw (item 7), a config file holding a credential that others can read is warned about
/// (item 12), and a CI job names the server's CA with CODESIGN_CA_FILE alone.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class ReviewCliTests(ServerFixture fixture)
{
    [Fact]
    public async Task A_justification_with_a_carriage_return_and_ansi_escapes_cannot_rewrite_the_request_list_row()
    {
        var (operatorName, operatorCsign) = await fixture.NewUserAsync("op");
        var (approverName, approverCsign) = await fixture.NewUserAsync("approver");
        var signer = await fixture.NewSignerAsync("escaped", "--operator", operatorName, "--auditor", approverName);
        await fixture.Admin.OkAsync("policy", "set", signer, "--approver", $"user:{approverName}", "--approvals-required", "1", "--max-window", "8h");
        // What the reviewer sent: back to the start of the row, erase it, and draw a harmless one.
        const string Justification = "hotfix\r\u001b[2K\u001b[1mID  SIGNER  1  1h\u001b[0m\u202e\u009b";
        var created = ServerFixture.Json(await operatorCsign.OkAsync("request", "create", "--signer", signer, "--justification", Justification,
            "--count", "100", "--window", "8h", "--json"));
        Assert.Equal(Justification, created.GetProperty("justification").GetString());

        var list = await approverCsign.OkAsync("request", "list", "--signer", signer);
        var show = await approverCsign.OkAsync("request", "show", created.GetProperty("id").GetString()!);

        foreach (var output in new[] { list, show })
        {
            Assert.DoesNotContain(output, c => c is '\r' or '\u001b' or '\u202e' or '\u009b');
            Assert.Contains("hotfix\\r\\x1b[2K\\x1b[1mID  SIGNER  1  1h\\x1b[0m\\u202e\\x9b", output, StringComparison.Ordinal);
        }
        var row = Assert.Single(list.Split('\n'), l => l.Contains(signer, StringComparison.Ordinal));
        Assert.Matches(@"\s100\s+8h\s", row);
        Assert.Equal(2, list.TrimEnd().Split('\n').Length);
        // --json stays the exact text, for scripts.
        Assert.Contains("\\r\\u001b[2K", await approverCsign.OkAsync("request", "list", "--signer", signer, "--json"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refusal_quoting_caller_text_is_one_escaped_line()
    {
        var run = await fixture.Admin.RunAsync("signer", "show", "no\r\u001b[2Ksuch");

        Assert.Equal(1, run.ExitCode);
        Assert.DoesNotContain(run.Error, c => c is '\r' or '\u001b');
        Assert.Contains("no\\r\\x1b[2Ksuch", run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.TrimEnd().Split('\n'));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_config_file_holding_a_credential_that_others_can_read_is_warned_about_on_stderr()
    {
        var (name, csign) = await fixture.NewUserAsync("careless");
        var path = Path.Combine(csign.Home, ".config", "codesign", "csign.json");
        Assert.Empty((await csign.RunAsync("whoami")).Error);

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var run = await csign.RunAsync("whoami");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"user:{name}", run.Out, StringComparison.Ordinal);
        Assert.Equal($"csign: warning: {path} holds a credential and other users can read or change it; restrict it with `chmod 600 {path}` and consider the credential exposed",
            run.Error.TrimEnd());
        // The key in the environment is not the file's: no warning about it.
        var fromEnvironment = await csign.With("CODESIGN_API_KEY", fixture.Server.AdminApiKey).RunAsync("whoami");
        Assert.Empty(fromEnvironment.Error);
    }

    [Fact]
    public async Task Codesign_ca_file_lets_a_ci_job_trust_the_server_with_environment_variables_only()
    {
        var job = fixture.NewRunner().With("CODESIGN_SERVER", fixture.ServerUrl).With("CODESIGN_API_KEY", fixture.Server.AdminApiKey);

        var untrusted = await job.RunAsync("whoami");
        Assert.Equal(3, untrusted.ExitCode);

        var trusted = await job.With("CODESIGN_CA_FILE", fixture.CaFile).RunAsync("whoami");
        Assert.True(trusted.ExitCode == 0, trusted.ToString());
        Assert.Contains("user:admin", trusted.Out, StringComparison.Ordinal);
    }
}
