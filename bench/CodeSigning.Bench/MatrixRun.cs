using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace CodeSigning.Bench;

/// <summary>What <c>--matrix-only</c> measured: the throughput matrix alone and the targets it decides.</summary>
/// <param name="ServerBinary">The codesign-server that ran (CODESIGN_SERVER_BINARY), so a before/after pair says which build is which.</param>
public sealed record MatrixReport(DateTimeOffset Date, string? Label, string ServerBinary, BenchOptions Settings, MachineInfo Machine,
    IReadOnlyList<ThroughputRow> Throughput, IReadOnlyList<TargetResult> Targets);

/// <summary>
/// <c>--matrix-only</c>: the throughput matrix (parts 1 to 4) for the chosen key types and thread counts,
/// written to bench/results/&lt;date&gt;-matrix-&lt;label&gt;.json and .md; a quick before/after of one change.
/// </summary>
public static class MatrixRun
{
    public static async Task RunAsync(BenchOptions options, string root, string modulePath, ILogger log)
    {
        var date = DateTimeOffset.UtcNow;
        var machine = MachineInfo.Describe();
        List<ThroughputRow> throughput;
        await using (var server = await BenchServer.StartAsync(options.Algorithms).ConfigureAwait(false))
        using (var softHsm = SoftHsmToken.Create(options.Algorithms))
        using (var library = new Pkcs11Module(modulePath))
        using (var channel = server.OperatorChannel())
        {
            throughput = ThroughputMatrix.Run(options, server, channel, library, softHsm, log);
        }
        var targets = Targets.OfThroughput(throughput).ToList();
        foreach (var target in targets)
        {
            log.Target(target.Name, target.Measured, target.Unit, target.Ratio, target.Met ? "met" : "MISSED");
        }
        var serverBinary = Environment.GetEnvironmentVariable("CODESIGN_SERVER_BINARY") ?? Path.Combine(root, "artifacts", "server", "codesign-server");
        var report = new MatrixReport(date, options.Label, serverBinary, options, machine, throughput, targets);
        var stem = Path.Combine(Directory.CreateDirectory(Path.Combine(root, "bench", "results")).FullName,
            $"{date:yyyy-MM-dd}-matrix{(options.Label is { } label ? $"-{label}" : "")}{(options.Quick ? "-quick" : "")}");
        await File.WriteAllTextAsync($"{stem}.json", JsonSerializer.Serialize(report, ResultFiles.Json)).ConfigureAwait(false);
        log.Wrote($"{stem}.json");

        var s = new StringBuilder();
        s.AppendLine($"Matrix run of {date:yyyy-MM-dd HH:mm} UTC ({options.Label ?? "unlabelled"}), {machine.Cores} cores, load average at the start {machine.LoadAverage}; "
            + $"{options.Warmup.TotalSeconds} s warm-up and {options.Duration.TotalSeconds} s measured per cell.");
        PerformanceDoc.LoadedMachineNote(s, machine);
        s.AppendLine();
        PerformanceDoc.TargetTable(s, targets);
        s.AppendLine();
        PerformanceDoc.ThroughputTables(s, throughput);
        await File.WriteAllTextAsync($"{stem}.md", s.ToString()).ConfigureAwait(false);
        log.Wrote($"{stem}.md");
    }
}
