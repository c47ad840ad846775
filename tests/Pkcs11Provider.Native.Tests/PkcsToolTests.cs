using System.Diagnostics;

namespace CodeSigning.Pkcs11.Native.Tests;

/// <summary>The published module loaded by a real client in its own process (opensc's pkcs11-tool).</summary>
public sealed class PkcsToolTests
{
    [Fact]
    public void Pkcs11_tool_show_info_reports_the_module()
    {
        var result = ToolProcess.Run("pkcs11-tool", "--module", NativeModule.Path, "--show-info");

        // A crash in the module would kill pkcs11-tool with a signal (exit >= 128).
        Assert.True(result.ExitCode < 128, $"pkcs11-tool crashed ({result.ExitCode}): {result.StandardError}");
        Assert.Contains("Cryptoki version 2.40", result.StandardOutput);
        Assert.Contains("Manufacturer     CodeSigning", result.StandardOutput);
        Assert.Contains("Library          CodeSigning PKCS#11 module (ver 1.0)", result.StandardOutput);
    }
}

/// <summary>Runs a tool to completion with a deadline, capturing both streams.</summary>
internal static class ToolProcess
{
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError);

    public static Result Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{file} did not finish within 60 s");
        }

        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }
}
