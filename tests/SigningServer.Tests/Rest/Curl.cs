using System.Diagnostics;

namespace CodeSigning.Server.Tests.Rest;

/// <summary>Runs documented shell lines with the real bash and curl, as a reader would paste them.</summary>
internal static class Curl
{
    /// <summary>Runs a single <c>curl ...</c> line and returns its body and HTTP status (<c>-w</c> appended).</summary>
    public static async Task<(int ExitCode, string Body, int Status, string Stderr)> RunLineAsync(string line, IReadOnlyDictionary<string, string> environment, string workDirectory)
    {
        Assert.StartsWith("curl ", line, StringComparison.Ordinal);
        var (exitCode, stdout, stderr) = await BashAsync("curl -w '\\n%{http_code}' " + line["curl ".Length..], environment, workDirectory);
        var split = stdout.LastIndexOf('\n');
        var status = split >= 0 && int.TryParse(stdout[(split + 1)..], out var code) ? code : 0;
        return (exitCode, split >= 0 ? stdout[..split] : stdout, status, stderr);
    }

    /// <summary>Runs a script with <c>set -euo pipefail</c>.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> BashAsync(string script, IReadOnlyDictionary<string, string> environment, string workDirectory)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workDirectory };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("set -euo pipefail\n" + script);
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
