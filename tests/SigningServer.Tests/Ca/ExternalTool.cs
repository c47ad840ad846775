using System.Diagnostics;

namespace CodeSigning.Server.Tests.Ca;

/// <summary>Runs a real command-line tool (openssl, keytool, jarsigner) and captures its output.</summary>
public static class ExternalTool
{
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError)
    {
        public override string ToString() => $"exit {ExitCode}\n{StandardOutput}\n{StandardError}";
    }

    public static Result Run(string fileName, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"could not start {fileName}");
        process.StandardInput.Close();
        var standardError = process.StandardError.ReadToEndAsync();
        var standardOutput = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return new Result(process.ExitCode, standardOutput, standardError.Result);
    }
}
