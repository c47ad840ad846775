using System.Globalization;

namespace CodeSigning.Pkcs11.Fuzz.Tests;

/// <summary>
/// AFL++ drives the SharpFuzz-instrumented CodeSigning.Pkcs11.dll through the fuzz target
/// (mechanism parameters, operations, attribute templates). A short run here; a long one with
/// CODESIGN_TEST_HEAVY=1 (docs/fuzzing.md gives the commands for longer ones).
/// </summary>
public sealed class FuzzingTests
{
    private static readonly bool Heavy = Environment.GetEnvironmentVariable("CODESIGN_TEST_HEAVY") == "1";

    private static readonly Dictionary<string, string> NoEnvironment = [];

    [Fact]
    public void The_seed_corpus_replays_without_a_finding()
    {
        var replay = FuzzTarget.Run("dotnet", NoEnvironment, TimeSpan.FromMinutes(2),
            [Path.Combine(FuzzTarget.BuildDirectory, FuzzTarget.Assembly), "replay", .. FuzzTarget.Seeds]);

        Assert.True(replay.ExitCode == 0, replay.Output);
        Assert.Contains($"replayed {FuzzTarget.Seeds.Length} inputs", replay.Output);
    }

    [Fact]
    public void AFL_grows_coverage_over_the_parsing_code_and_finds_no_crash_or_hang()
    {
        var seconds = Heavy ? 480 : 45;
        var work = Directory.CreateTempSubdirectory("codesign-fuzz-");
        try
        {
            var target = Path.Combine(work.FullName, "target");
            CopyDirectory(FuzzTarget.BuildDirectory, target);
            var instrumented = FuzzTarget.Run("dotnet", NoEnvironment, TimeSpan.FromMinutes(2),
                Path.Combine(target, FuzzTarget.Assembly), "instrument", Path.Combine(target, "CodeSigning.Pkcs11.dll"));
            Assert.True(instrumented.ExitCode == 0, instrumented.Output);

            var findings = Path.Combine(work.FullName, "findings");
            var afl = FuzzTarget.Run("afl-fuzz", AflEnvironment, TimeSpan.FromSeconds(seconds + 120),
                "-V", $"{seconds}", "-t", "5000", "-m", "none", "-i", Path.Combine(FuzzTarget.ProjectDirectory, "seeds"), "-o", findings,
                "--", "dotnet", Path.Combine(target, FuzzTarget.Assembly));
            var statsFile = Path.Combine(findings, "default", "fuzzer_stats");
            Assert.True(afl.ExitCode == 0 && File.Exists(statsFile), $"afl-fuzz exited {afl.ExitCode}:\n{Tail(afl.Output)}");

            var stats = File.ReadAllLines(statsFile).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim());
            ReportFindings(findings, "crashes");
            ReportFindings(findings, "hangs");
            // Coverage-guided for real: instrumented edges were seen, and inputs reaching new ones were kept.
            Assert.True(Number(stats, "edges_found") > 50 && Number(stats, "corpus_found") > 0,
                $"no coverage feedback: {string.Join(", ", stats.Where(s => s.Key is "edges_found" or "corpus_count" or "corpus_found" or "execs_done").Select(s => $"{s.Key} {s.Value}"))}");
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>Root in a container: no CPU governor or core_pattern to tune, and dotnet is not itself instrumented.</summary>
    private static Dictionary<string, string> AflEnvironment => new()
    {
        ["AFL_SKIP_BIN_CHECK"] = "1",
        ["AFL_NO_UI"] = "1",
        ["AFL_SKIP_CPUFREQ"] = "1",
        ["AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES"] = "1",
        ["AFL_NO_AFFINITY"] = "1",
    };

    /// <summary>Saves every crashing or hanging input to artifacts/fuzz-findings, prints it and its replay, and fails.</summary>
    private static void ReportFindings(string findings, string kind)
    {
        var inputs = Directory.GetFiles(Path.Combine(findings, "default", kind)).Where(f => !f.EndsWith("README.txt", StringComparison.Ordinal)).ToList();
        if (inputs.Count == 0)
        {
            return;
        }

        var saved = Directory.CreateDirectory(Path.Combine(FuzzTarget.RepositoryRoot, "artifacts", "fuzz-findings", kind));
        var report = inputs.Select(input =>
        {
            var copy = Path.Combine(saved.FullName, Path.GetFileName(input).Replace(':', '_'));
            File.Copy(input, copy, overwrite: true);
            var replay = FuzzTarget.Run("dotnet", NoEnvironment, TimeSpan.FromSeconds(30), Path.Combine(FuzzTarget.BuildDirectory, FuzzTarget.Assembly), "replay", copy);
            return $"{copy}\n  input: {Convert.ToHexString(File.ReadAllBytes(copy))}\n  replay: {Tail(replay.Output)}";
        });
        Assert.Fail($"afl-fuzz saved {inputs.Count} {kind}:\n{string.Join("\n", report)}");
    }

    private static long Number(Dictionary<string, string> stats, string key) =>
        stats.TryGetValue(key, out var value) ? long.Parse(value, CultureInfo.InvariantCulture) : 0;

    private static string Tail(string output) => string.Join('\n', output.Split('\n').TakeLast(20));

    private static void CopyDirectory(string source, string target)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }
}
