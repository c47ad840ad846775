using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;

namespace CodeSigning.Bench;

/// <summary>A run's outputs: bench/results/&lt;date&gt;.json, its throughput plot, and the results section of docs/performance.md.</summary>
public static class ResultFiles
{
    /// <summary>How every results file is serialized: snake_case, indented, NaN allowed.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void Write(string root, BenchReport report, ILogger log)
    {
        var results = Directory.CreateDirectory(Path.Combine(root, "bench", "results")).FullName;
        // A smoke run never overwrites the figures of a real one (bench/.gitignore keeps it out of commits).
        var stem = $"{report.Date:yyyy-MM-dd}{(report.Settings.Quick ? "-quick" : "")}";
        var jsonName = $"{stem}.json";
        var plotName = $"{stem}-throughput.png";

        var json = Path.Combine(results, jsonName);
        File.WriteAllText(json, JsonSerializer.Serialize(report, Json));
        log.Wrote(json);
        var plot = Path.Combine(results, plotName);
        ToolProcess.Run("/usr/bin/python3", [Path.Combine(root, "bench", "plot_throughput.py"), json, plot]);
        log.Wrote(plot);
        var doc = Path.Combine(root, "docs", "performance.md");
        PerformanceDoc.Update(doc, report, jsonName, plotName);
        log.Wrote(doc);
    }
}
