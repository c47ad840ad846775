using System.Diagnostics;
using System.Globalization;
using CodeSigning.Tests.Shared;
using CodeSigning.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace CodeSigning.Server.Tests.Security;

/// <summary>
/// The published server's command line after the outside review (issue 14): it refuses to serve
/// from files other users can read (item 12), <c>--help</c> works, init says when the first key
/// expires, and <c>recover-admin</c> lets a locked-out admin back in, audited.
/// </summary>
public sealed class ReviewServerCommandTests : IAsyncLifetime
{
    private ServerProcess _server = null!;

    public async Task InitializeAsync() => _server = await ServerProcess.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<string> PrivateFiles => TestDatabase.IsPostgres
        ? new TheoryData<string>("data directory", "TLS private key")
        : new TheoryData<string>("data directory", "database file", "TLS private key");

    [Theory]
    [MemberData(nameof(PrivateFiles))]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task The_server_refuses_to_start_while_a_private_file_is_open_to_other_users(string what)
    {
        var (path, mode, fix) = what switch
        {
            "data directory" => (_server.DataDir, (UnixFileMode)0b111_101_000, "700"),
            "database file" => (Path.Combine(_server.DataDir, "codesign.db"), (UnixFileMode)0b110_100_000, "600"),
            _ => (Path.Combine(_server.DataDir, "tls", "server.key"), (UnixFileMode)0b110_000_100, "600"),
        };
        var before = File.GetUnixFileMode(path);
        _server.Kill();
        File.SetUnixFileMode(path, mode);

        // A server that wrongly starts never exits: the timeout fails the test instead of hanging it.
        var (exitCode, output) = await _server.RunCommandAsync([.. _server.DatabaseArguments, "--data-dir", _server.DataDir, "--listen", "127.0.0.1:0"])
            .WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, exitCode);
        Assert.Contains($"the {what} {path} is readable or writable by other users; restrict it with `chmod {fix} {path}`", output, StringComparison.Ordinal);
        Assert.DoesNotContain("listening on", output, StringComparison.Ordinal);
        Assert.Equal(mode, File.GetUnixFileMode(path));

        File.SetUnixFileMode(path, before);
        await _server.RestartAsync();
        var me = await new IdentityService.IdentityServiceClient(_server.CreateChannel(_server.AdminApiKey)).WhoAmIAsync(new Empty());
        Assert.Equal("admin", me.Principal.Name);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("init", "--help")]
    [InlineData("-h")]
    public async Task Help_prints_the_usage_and_exits_zero(params string[] arguments)
    {
        var (exitCode, output) = await _server.RunCommandAsync(arguments);

        Assert.Equal(0, exitCode);
        Assert.Contains("usage: codesign-server init --data-dir DIR", output, StringComparison.Ordinal);
        Assert.Contains("codesign-server recover-admin --data-dir DIR [--database URL] --user NAME", output, StringComparison.Ordinal);
        Assert.DoesNotContain("unknown argument", output, StringComparison.Ordinal);
    }

    /// <summary>Serving (no command) and every command of the parser's own tree.</summary>
    public static TheoryData<string> Commands()
    {
        var data = new TheoryData<string> { string.Empty };
        foreach (var command in CodeSigning.Server.Hosting.CommandLine.CommandTree().Subcommands)
        {
            data.Add(command.Name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Help_on_every_command_exits_zero_and_describes_each_of_its_options(string command)
    {
        var root = CodeSigning.Server.Hosting.CommandLine.CommandTree();
        var options = command.Length == 0 ? root.Options : root.Subcommands.Single(c => c.Name == command).Options;

        var (exitCode, output) = await _server.RunCommandAsync(command.Length == 0 ? ["--help"] : [command, "--help"]);

        Assert.Equal(0, exitCode);
        var text = System.Text.RegularExpressions.Regex.Replace(output, @"\s+", " ");
        foreach (var option in options.Where(o => o.Name != "--version"))
        {
            Assert.Contains(option.Name, output, StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(option.Description), option.Name);
            Assert.Contains(System.Text.RegularExpressions.Regex.Replace(option.Description!, @"\s+", " "), text, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(new[] { "init", "--data-dir", "{dir}", "--admin", "root" }, "codesign-server: unknown argument '--admin'; codesign-server init --help lists the options")]
    [InlineData(new[] { "init", "--data-dir" }, "codesign-server: Required argument missing for option: '--data-dir'.")]
    [InlineData(new[] { "--data-dir", "{dir}", "--listn", "127.0.0.1:0" }, "codesign-server: unknown argument '--listn'; codesign-server --help lists the options")]
    [InlineData(new[] { "--data-dir", "{dir}", "--audit-checkpoint-interval", "soon" }, "codesign-server: --audit-checkpoint-interval is a number of seconds, 1 to 86400")]
    public async Task A_bad_command_line_names_the_option_exits_2_and_creates_nothing(string[] arguments, string message)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"codesign-bad-args-{Guid.NewGuid():N}");

        var (exitCode, output) = await _server.RunCommandAsync([.. arguments.Select(a => a.Replace("{dir}", directory, StringComparison.Ordinal))]);

        Assert.Equal(2, exitCode);
        Assert.Contains(message, output, StringComparison.Ordinal);
        Assert.DoesNotContain("listening on", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public async Task Init_says_when_the_first_admin_key_expires_and_how_to_keep_access()
    {
        var directory = Directory.CreateTempSubdirectory("codesign-init-").FullName;
        try
        {
            var database = TestDatabase.Create();
            var (exitCode, output) = await _server.RunCommandAsync(["init", "--data-dir", directory, .. database is null ? Array.Empty<string>() : ["--database", database]]);

            Assert.Equal(0, exitCode);
            var expires = DateTimeOffset.UtcNow.AddDays(90).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            Assert.Contains($"It expires {expires} ", output, StringComparison.Ordinal);
            Assert.Contains("(in 90 days)", output, StringComparison.Ordinal);
            Assert.Contains("codesign-server recover-admin", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Recover_admin_mints_a_working_admin_key_in_the_audit_chain_and_refuses_a_non_admin()
    {
        var admin = _server.CreateChannel(_server.AdminApiKey);
        await new IdentityService.IdentityServiceClient(admin).CreateUserAsync(new CreateUserRequest { Name = "plain" });
        var audit = new AuditService.AuditServiceClient(admin);
        var eventsBefore = (await audit.QueryAuditEventsAsync(new QueryAuditEventsRequest { PageSize = 1000 })).Events.Count;

        var (refused, refusal) = await _server.RunCommandAsync(["recover-admin", "--data-dir", _server.DataDir, .. _server.DatabaseArguments, "--user", "plain"]);
        Assert.Equal(1, refused);
        Assert.Contains("'plain' is not an enabled Product Admin", refusal, StringComparison.Ordinal);
        Assert.DoesNotContain("api-key:", refusal, StringComparison.Ordinal);
        Assert.Equal(eventsBefore, (await audit.QueryAuditEventsAsync(new QueryAuditEventsRequest { PageSize = 1000 })).Events.Count);
        Assert.Empty((await new IdentityService.IdentityServiceClient(admin).ListApiKeysAsync(new ListApiKeysRequest { User = "plain" })).ApiKeys);

        foreach (var (user, created) in new[] { ("admin", false), ("rescue", true) })
        {
            var (exitCode, output) = await _server.RunCommandAsync(["recover-admin", "--data-dir", _server.DataDir, .. _server.DatabaseArguments, "--user", user]);
            Assert.Equal(0, exitCode);
            var secret = output.Split('\n').Single(l => l.StartsWith("api-key: ", StringComparison.Ordinal))["api-key: ".Length..].Trim();
            var me = await new IdentityService.IdentityServiceClient(_server.CreateChannel(secret)).WhoAmIAsync(new Empty());
            Assert.Equal((user, true), (me.Principal.Name, me.ProductAdmin));
            var recovered = (await audit.QueryAuditEventsAsync(new QueryAuditEventsRequest { Filter = new AuditFilter { Types_ = { "admin.recovered" } }, PageSize = 1000 })).Events[^1];
            Assert.Equal((user, me.CredentialId, created ? "true" : "false", "local"),
                (recovered.Actor.Name, recovered.Details["api_key_id"], recovered.Details["user_created"], recovered.RemoteAddress));
        }
        var chain = await audit.VerifyAuditChainAsync(new VerifyAuditChainRequest());
        Assert.True(chain.Valid, chain.Message);
    }
}
