namespace CodeSigning.Pkcs11.Native.Tests;

/// <summary>
/// Hostile input at the C boundary: Hostile/hostile.c, compiled with gcc and run as its own process
/// against the published module and the real server, calls every export of both function tables
/// with bad pointers, handles, lengths, templates and mechanisms. A crash or hang shows as a signal;
/// each case prints the CK_RV the specification gives and the one the module returned.
/// </summary>
[Collection(NativeModuleCollection.Name)]
public sealed class HostileInputTests(RealServerFixture real)
{
    [Fact]
    public void Every_export_answers_hostile_calls_with_the_specified_CK_RV_and_never_crashes()
    {
        var program = Path.Combine(real.Directory.FullName, "hostile");
        var source = Path.Combine(AppContext.BaseDirectory, "Hostile", "hostile.c");
        var compiled = ToolProcess.Run("gcc", new Dictionary<string, string>(), "-O1", "-Wall", "-Werror", "-pthread", "-o", program, source, "-ldl");
        Assert.True(compiled.ExitCode == 0, compiled.StandardError);
        real.WriteConfig(real.Config());
        var seed = $"0x{Random.Shared.NextInt64(1, long.MaxValue):x}";

        var result = ToolProcess.Run(program, new Dictionary<string, string> { ["CODESIGN_PKCS11_CONFIG"] = real.ConfigPath },
            NativeModule.Path, real.P256.Name, real.Rsa.Name, seed);

        var lines = result.StandardOutput.Split('\n');
        Assert.True(result.ExitCode == 0,
            $"hostile (seed {seed}) exited {result.ExitCode} (128+N = killed by signal N) after:\n{string.Join('\n', lines.TakeLast(15))}\n{result.StandardError}");
        var summary = lines.Single(l => l.StartsWith("hostile: ", StringComparison.Ordinal));
        var mismatches = lines.Where(l => l.StartsWith("MISMATCH", StringComparison.Ordinal)).ToList();
        Assert.True(mismatches.Count == 0, $"{summary} (seed {seed})\n{string.Join('\n', mismatches)}");
        Assert.Equal(summary, $"hostile: {lines.Count(l => l.StartsWith("ok ", StringComparison.Ordinal))} cases, 0 mismatches");
    }
}
