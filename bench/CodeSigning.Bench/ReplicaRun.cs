using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace CodeSigning.Bench;

/// <summary>What <c>--replicas-only</c> measured (<see cref="ReplicaLoad"/>).</summary>
public sealed record ReplicaReport(DateTimeOffset Date, MachineInfo Machine, IReadOnlyList<ReplicaRow> Replicas);

/// <summary><c>--replicas-only</c>: the scale-out rows alone, written to bench/results/&lt;date&gt;-replicas[-&lt;label&gt;].json and .md.</summary>
public static class ReplicaRun
{
    public static async Task RunAsync(BenchOptions options, string root, ILogger log)
    {
        var date = DateTimeOffset.UtcNow;
        var machine = MachineInfo.Describe();
        log.Step($"scale-out: 1 and 2 replicas on one PostgreSQL with fsync on, {options.SustainedThreads} threads");
        var rows = await ReplicaLoad.RunAsync(options.SustainedThreads, options.Warmup, options.Duration).ConfigureAwait(false);
        var stem = Path.Combine(Directory.CreateDirectory(Path.Combine(root, "bench", "results")).FullName,
            $"{date:yyyy-MM-dd}-replicas{(options.Label is null ? "" : "-" + options.Label)}{(options.Quick ? "-quick" : "")}");
        await File.WriteAllTextAsync($"{stem}.json", JsonSerializer.Serialize(new ReplicaReport(date, machine, rows), ResultFiles.Json)).ConfigureAwait(false);
        var s = new StringBuilder();
        s.AppendLine($"Replica run of {date:yyyy-MM-dd HH:mm} UTC, {machine.Cores} cores, load average at the start {machine.LoadAverage}; "
            + $"{options.Warmup.TotalSeconds} s warm-up and {options.Duration.TotalSeconds} s measured per row.");
        PerformanceDoc.LoadedMachineNote(s, machine);
        s.AppendLine();
        PerformanceDoc.ReplicaTable(s, rows);
        await File.WriteAllTextAsync($"{stem}.md", s.ToString()).ConfigureAwait(false);
        log.Wrote($"{stem}.md");
    }
}
