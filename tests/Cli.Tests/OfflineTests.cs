using System.Net;
using System.Net.Sockets;

namespace CodeSigning.Cli.Tests;

/// <summary>What csign decides before or without a server: usage errors, local files, unreachable servers.</summary>
public sealed class OfflineTests : IDisposable
{
    private readonly TempDirectory _home = new();
    private readonly CliRunner _csign;

    public OfflineTests() => _csign = new CliRunner(_home.Path);

    public void Dispose() => _home.Dispose();

    [Fact]
    public async Task Help_lists_every_command_and_the_exit_codes()
    {
        var run = await _csign.RunAsync("help");

        Assert.Equal(0, run.ExitCode);
        foreach (var noun in new[] { "login", "signer", "member", "group", "service-account", "api-key", "policy", "request", "grant", "audit", "sign", "pkcs11" })
        {
            Assert.Contains($"  {noun} ", run.Out, StringComparison.Ordinal);
        }

        Assert.Contains("3 server unreachable", run.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("signer", "--help")]
    [InlineData("help", "signer")]
    public async Task Each_command_explains_itself(string first, string second)
    {
        var run = await _csign.RunAsync(first, second);

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("usage: csign signer <verb> ...", run.Out, StringComparison.Ordinal);
        Assert.Contains("export-chain SIGNER [--out FILE]", run.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "frobnicate" }, "csign: unknown command \"frobnicate\"; run csign help")]
    [InlineData(new[] { "signer" }, "csign: csign signer needs a verb: create, list, show, enable, disable, export-chain, csr, import-cert, renew, archive")]
    [InlineData(new[] { "signer", "explode" }, "csign: unknown verb \"explode\" for csign signer; one of: create, list, show, enable, disable, export-chain, csr, import-cert, renew, archive")]
    [InlineData(new[] { "signer", "list", "--colour", "blue" }, "csign: unknown option --colour")]
    [InlineData(new[] { "signer", "list", "extra" }, "csign: unexpected argument \"extra\"")]
    [InlineData(new[] { "signer", "create" }, "csign: missing --name (the new Signer's name)")]
    [InlineData(new[] { "signer", "create", "--name", "s", "--algorithm", "rsa-1024" }, "csign: --algorithm must be one of rsa-2048, rsa-3072, rsa-4096, ec-p256, ec-p384, ec-p521, not \"rsa-1024\"")]
    [InlineData(new[] { "signer", "create", "--name", "s", "--ca", "external", "--validity", "30d" }, "csign: --validity applies to the internal CA only; an external CA decides it")]
    [InlineData(new[] { "signer", "create", "--name", "s", "--approvals-required", "2" }, "csign: an approval policy needs at least one --approver")]
    [InlineData(new[] { "member", "set", "s", "robot:x", "--role", "operator" }, "csign: principal kind must be user, service-account (sa) or group, not \"robot\"")]
    [InlineData(new[] { "member", "set", "s", "alice", "--role", "boss" }, "csign: --role must be one of administrator, operator, auditor, not \"boss\"")]
    [InlineData(new[] { "request", "create", "--signer", "s", "--justification", "j", "--window", "soon" }, "csign: --window must be a positive duration such as 90s, 15m, 8h or 30d, not \"soon\"")]
    [InlineData(new[] { "audit", "export", "--format", "xml" }, "csign: --format must be jsonl or csv, not \"xml\"")]
    [InlineData(new[] { "login", "--server", "https://x", "--api-key", "k", "--api-key-file", "f" }, "csign: give exactly one credential: --api-key, --api-key-file or --service-account")]
    [InlineData(new[] { "signer", "list", "--json=yes" }, "csign: option --json takes no value")]
    [InlineData(new[] { "signer", "list" }, "csign: no server configured: run csign login --server URL ... or set CODESIGN_SERVER")]
    public async Task Usage_errors_exit_2_with_one_clear_line(string[] args, string message)
    {
        var run = await _csign.RunAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(message + Environment.NewLine, run.Error);
        Assert.Empty(run.Out);
    }

    [Fact]
    public async Task A_server_nobody_listens_on_exits_3()
    {
        var run = await _csign.With("CODESIGN_SERVER", $"https://127.0.0.1:{ClosedPort()}").With("CODESIGN_API_KEY", "csk_unused")
            .RunAsync("signer", "list");

        Assert.Equal(3, run.ExitCode);
        Assert.StartsWith($"csign: cannot reach https://127.0.0.1:", run.Error, StringComparison.Ordinal);
        Assert.Contains("refused", run.Error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_missing_input_file_exits_4_and_nothing_is_written()
    {
        var missing = _home.File("missing.bin");
        var run = await _csign.With("CODESIGN_SERVER", "https://127.0.0.1:1").With("CODESIGN_API_KEY", "csk_unused")
            .RunAsync("sign", "--signer", "s", "--in", missing);

        Assert.Equal(4, run.ExitCode);
        Assert.Equal($"csign: Could not find file '{missing}'.{Environment.NewLine}", run.Error);
        Assert.False(File.Exists(missing + ".sig"));
    }

    [Fact]
    public async Task Login_with_a_missing_ca_file_exits_4_and_writes_no_configuration()
    {
        var run = await _csign.RunAsync("login", "--server", "https://127.0.0.1:1", "--api-key", "csk_x", "--ca-file", _home.File("nope.pem"));

        Assert.Equal(4, run.ExitCode);
        Assert.Equal($"csign: {_home.File("nope.pem")} does not exist{Environment.NewLine}", run.Error);
        Assert.False(File.Exists(Path.Combine(_home.Path, ".config", "codesign", "csign.json")));
    }

    [Fact]
    public async Task A_broken_configuration_file_exits_4()
    {
        var path = _home.File("csign.json");
        await File.WriteAllTextAsync(path, "{ not json");

        var run = await _csign.With("CODESIGN_CLI_CONFIG", path).RunAsync("whoami");

        Assert.Equal(4, run.ExitCode);
        Assert.StartsWith($"csign: {path} is not valid csign configuration:", run.Error, StringComparison.Ordinal);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
