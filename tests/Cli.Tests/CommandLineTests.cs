using System.CommandLine;
using System.Diagnostics;
using System.Text.RegularExpressions;
using CodeSigning.Cli.Commands;
using CodeSigning.Tests.Shared;

namespace CodeSigning.Cli.Tests;

/// <summary>csign's command line on System.CommandLine: help for every verb, errors naming the option, completion.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly TempDirectory _home = new();
    private readonly CliRunner _csign;

    public CommandLineTests() => _csign = new CliRunner(_home.Path);

    public void Dispose() => _home.Dispose();

    /// <summary>Every command and verb in csign's tree, as the words that name it.</summary>
    public static TheoryData<string> AllCommands()
    {
        var data = new TheoryData<string>();
        void Walk(Command command, string path)
        {
            foreach (var sub in command.Subcommands)
            {
                data.Add($"{path} {sub.Name}".Trim());
                Walk(sub, $"{path} {sub.Name}");
            }
        }

        Walk(CommandTree.Build(), string.Empty);
        return data;
    }

    [Theory]
    [MemberData(nameof(AllCommands))]
    public async Task Help_on_every_command_and_verb_exits_0_and_describes_each_option(string path)
    {
        var words = path.Split(' ');
        var command = words.Aggregate(CommandTree.Build(), (parent, name) => parent.Subcommands.Single(c => c.Name == name));

        foreach (var help in new[] { "--help", "-h" })
        {
            var run = await _csign.RunAsync([.. words, help]);

            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Empty(run.Error);
            if (command is Noun)
            {
                Assert.StartsWith($"usage: csign {words[0]} ", run.Out, StringComparison.Ordinal);
                Assert.All(command.Subcommands, verb => Assert.Contains(verb.Name, run.Out, StringComparison.Ordinal));
                continue;
            }

            // The verb's description and each option's, as written (help may wrap a long one over lines).
            var text = Regex.Replace(run.Out, @"\s+", " ");
            Assert.Contains($"csign {path}", run.Out, StringComparison.Ordinal);
            Assert.Contains(Regex.Replace(command.Description!, @"\s+", " "), text, StringComparison.Ordinal);
            foreach (var option in command.Options.Append(new Option<bool>("--json")))
            {
                Assert.Contains(option.Name, run.Out, StringComparison.Ordinal);
            }

            foreach (var option in command.Options)
            {
                Assert.False(string.IsNullOrWhiteSpace(option.Description), $"{path} {option.Name} has no description");
                Assert.Contains(Regex.Replace(option.Description!, @"\s+", " "), text, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Version_prints_csigns_version()
    {
        var run = await _csign.RunAsync("--version");

        Assert.Equal(0, run.ExitCode);
        Assert.Matches(@"^csign \d+\.\d+\.\d+\r?\n$", run.Out);
    }

    [Theory]
    [InlineData(new[] { "request", "list", "--colour" }, "csign: unknown option --colour")]
    [InlineData(new[] { "signer", "show", "--colour", "s" }, "csign: unknown option --colour")]
    [InlineData(new[] { "grant", "create", "--signer", "s", "--grantee", "sa:ci", "--count", "x" }, "csign: --count must be a whole number of at least 1, not \"x\"")]
    [InlineData(new[] { "request", "create", "--signer", "s", "--justification", "j", "--count", "0" }, "csign: --count must be a whole number of at least 1, not \"0\"")]
    [InlineData(new[] { "request", "list", "--state", "SIGNING_REQUEST_STATE_DENIED" }, "csign: --state must be one of pending, approved, denied, expired, cancelled, not \"SIGNING_REQUEST_STATE_DENIED\"")]
    [InlineData(new[] { "audit", "query", "--outcome", "maybe" }, "csign: --outcome must be one of success, denied, failed, not \"maybe\"")]
    [InlineData(new[] { "policy", "set", "s", "--self-preapproval", "sometimes" }, "csign: --self-preapproval must be allow or forbid, not \"sometimes\"")]
    [InlineData(new[] { "api-key", "create", "--ttl", "forever" }, "csign: --ttl must be a positive duration such as 90s, 15m, 8h or 30d, not \"forever\"")]
    [InlineData(new[] { "request", "create", "--signer", "s", "--window" }, "csign: Required argument missing for option: '--window'.")]
    [InlineData(new[] { "audit", "checkpoint" }, "csign: csign audit checkpoint needs a verb: export")]
    public async Task An_unknown_option_or_a_bad_value_names_the_option_and_exits_2(string[] args, string message)
    {
        var run = await _csign.RunAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(message + Environment.NewLine, run.Error);
        Assert.Empty(run.Out);
        // Refused before anything was configured or sent.
        Assert.False(Directory.Exists(Path.Combine(_home.Path, ".config")));
    }

    [Theory]
    [InlineData("csign sig", "signer")]
    [InlineData("csign sig", "sign")]
    [InlineData("csign signer ex", "export-chain")]
    [InlineData("csign request list --st", "--state")]
    [InlineData("csign request list --state ", "denied")]
    [InlineData("/usr/local/bin/csign member set s alice --role ", "operator")]
    public async Task The_suggest_directive_completes_commands_options_and_values(string line, string expected)
    {
        var run = await _csign.RunAsync($"[suggest:{line.Length}]", line);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains(expected, run.Out.Split(Environment.NewLine), StringComparer.Ordinal);
    }

    [Fact]
    public async Task The_bash_completion_script_completes_csign_sig_to_signer_with_the_published_csign()
    {
        var csign = PublishedCsign();
        var script = await _csign.OkAsync("completion", "bash");
        var start = new ProcessStartInfo("bash", ["-c",
            $"eval \"$1\"; COMP_LINE='{csign} sig'; COMP_POINT=${{#COMP_LINE}}; COMP_WORDS=('{csign}' sig); COMP_CWORD=1; _csign_complete; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            "bash", script])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["HOME"] = _home.Path;
        using var bash = Process.Start(start)!;
        var output = await bash.StandardOutput.ReadToEndAsync();
        await bash.WaitForExitAsync();

        Assert.Equal(0, bash.ExitCode);
        Assert.Equal(new[] { "sign", "signer" }, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task Completion_for_an_unknown_shell_names_the_choices_and_exits_2()
    {
        var run = await _csign.RunAsync("completion", "fish");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("csign: SHELL must be bash or zsh, not \"fish\"" + Environment.NewLine, run.Error);
    }

    /// <summary>The csign build.sh publishes next to the server this test suite runs.</summary>
    private static string PublishedCsign()
    {
        var server = ServerProcess.BinaryPath;
        var path = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(server)!, "..", "cli", "csign"));
        Assert.True(File.Exists(path), $"{path} is missing: run ./build.sh build");
        return path;
    }
}
