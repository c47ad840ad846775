using System.Globalization;

namespace CodeSigning.Bench;

/// <summary>
/// bench/native/coldstart.c, compiled with gcc at run time and run in fresh processes: dlopen to
/// first signature, and the resident memory the module adds to its host.
/// </summary>
public sealed class ColdStart : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("codesign-bench-coldstart-");

    public ColdStart(string repositoryRoot)
    {
        ToolProcess.Run("gcc", ["-O2", "-Wall", "-Wextra", "-Werror", "-o", Program, Path.Combine(repositoryRoot, "bench", "native", "coldstart.c"), "-ldl"]);
    }

    private string Program => Path.Combine(_directory.FullName, "coldstart");

    /// <summary>The medians of <paramref name="runs"/> fresh processes signing with the key labelled <paramref name="keyLabel"/>.</summary>
    public ColdStartResult Run(string name, string modulePath, string keyLabel, string? pin, IReadOnlyDictionary<string, string> environment, int runs)
    {
        var samples = Enumerable.Range(0, runs)
            .Select(_ => Parse(ToolProcess.Run(Program, pin is null ? [modulePath, keyLabel] : [modulePath, keyLabel, pin], environment)))
            .ToList();
        double Median(string key) => Statistics.Median(samples.Select(s => s[key]));
        var memory = Statistics.Median(samples.Select(s => (s["rss_after_kib"] - s["rss_before_kib"]) / 1024));
        return new ColdStartResult(name, runs, Median("load_ms"), Median("initialize_ms"), Median("find_key_ms"), Median("first_signature_ms"),
            Median("total_ms"), memory);
    }

    public void Dispose() => _directory.Delete(recursive: true);

    private static Dictionary<string, double> Parse(string output) =>
        output.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(kv => kv[0], kv => double.Parse(kv[1], CultureInfo.InvariantCulture));
}
