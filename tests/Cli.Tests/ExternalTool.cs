using System.Diagnostics;

namespace CodeSigning.Cli.Tests;

/// <summary>Runs a real command-line tool (openssl, ...) and returns its exit code and output.</summary>
internal static class ExternalTool
{
    public static Task<(int ExitCode, string Output)> RunAsync(string tool, params string[] args) =>
        RunAsync(new Dictionary<string, string>(), tool, args);

    public static async Task<(int ExitCode, string Output)> RunAsync(IReadOnlyDictionary<string, string> environment, string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {tool}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
