using System.Diagnostics;
using System.Security.Cryptography;

namespace CodeSigning.Pkcs11.Native.Tests;

/// <summary>The published module loaded by a real client in its own process (opensc's pkcs11-tool).</summary>
[Collection(NativeModuleCollection.Name)]
public sealed class PkcsToolTests(NativeServerFixture fixture)
{
    [Fact]
    public void Pkcs11_tool_show_info_reports_the_module()
    {
        var result = PkcsTool("--show-info");

        Assert.Contains("Cryptoki version 2.40", result.StandardOutput);
        Assert.Contains("Manufacturer     CodeSigning", result.StandardOutput);
        Assert.Contains("Library          CodeSigning PKCS#11 module (ver 1.0)", result.StandardOutput);
    }

    [Fact]
    public void Pkcs11_tool_lists_slots_and_objects_and_signs_a_verifiable_signature()
    {
        var input = Path.Combine(fixture.Directory.FullName, "tool-input.bin");
        var output = Path.Combine(fixture.Directory.FullName, "tool-signature.bin");
        File.WriteAllBytes(input, "signed by pkcs11-tool"u8.ToArray());

        var slots = PkcsTool("--list-slots");
        var objects = PkcsTool("--list-objects", "--token-label", "native-rsa");
        PkcsTool("--sign", "--mechanism", "SHA256-RSA-PKCS", "--token-label", "native-rsa", "--label", "native-rsa", "--input-file", input, "--output-file", output);

        Assert.Contains("token label        : native-rsa", slots.StandardOutput);
        Assert.Contains("token label        : native-p256", slots.StandardOutput);
        Assert.Contains("Private Key Object; RSA", objects.StandardOutput);
        Assert.Contains("Certificate Object; type = X.509 cert", objects.StandardOutput);
        Assert.True(((RSA)fixture.Rsa.Key).VerifyData(File.ReadAllBytes(input), File.ReadAllBytes(output), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    /// <summary>Runs pkcs11-tool on the module with the fixture's configuration and requires success.</summary>
    private ToolProcess.Result PkcsTool(params string[] arguments)
    {
        var result = ToolProcess.Run("pkcs11-tool", new Dictionary<string, string> { ["CODESIGN_PKCS11_CONFIG"] = fixture.ConfigPath }, ["--module", NativeModule.Path, .. arguments]);
        Assert.True(result.ExitCode == 0, $"pkcs11-tool {string.Join(' ', arguments)} exited {result.ExitCode}: {result.StandardError}\n{result.StandardOutput}\n{fixture.Log()}");
        return result;
    }
}

/// <summary>Runs a tool to completion with a deadline, capturing both streams.</summary>
internal static class ToolProcess
{
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError);

    public static Result Run(string file, IReadOnlyDictionary<string, string> environment, params string[] arguments)
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

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
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
