using System.Globalization;
using System.Text;

namespace CodeSigning.Bench;

/// <summary>Rewrites the results section of docs/performance.md (between its markers) from one run.</summary>
public static class PerformanceDoc
{
    public const string Begin = "<!-- bench:results:begin -->";
    public const string End = "<!-- bench:results:end -->";

    public static void Update(string path, BenchReport report, string jsonName, string plotName)
    {
        var text = File.ReadAllText(path);
        var begin = text.IndexOf(Begin, StringComparison.Ordinal);
        var end = text.IndexOf(End, StringComparison.Ordinal);
        if (begin < 0 || end < begin)
        {
            throw new InvalidOperationException($"{path} lacks the markers {Begin} ... {End}");
        }
        File.WriteAllText(path, string.Concat(text.AsSpan(0, begin + Begin.Length), "\n", Render(report, jsonName, plotName), text.AsSpan(end)));
    }

    private static string Render(BenchReport r, string jsonName, string plotName)
    {
        var s = new StringBuilder();
        var m = r.Machine;
        s.AppendLine(CultureInfo.InvariantCulture, $"Run of {r.Date:yyyy-MM-dd HH:mm} UTC{(r.Settings.Quick ? " (**quick smoke run**: every part very briefly; not a measurement)" : "")}; "
            + $"figures in [`bench/results/{jsonName}`](../bench/results/{jsonName}).");
        s.AppendLine();
        s.AppendLine("| machine | |");
        s.AppendLine("|---|---|");
        Row(s, "CPU", $"{m.Cpu}, {m.Cores} cores");
        Row(s, "RAM", $"{m.RamGib:F1} GiB");
        Row(s, "OS, kernel", $"{m.Os}, Linux {m.Kernel}");
        Row(s, ".NET", m.Dotnet);
        Row(s, "OpenSSL", m.Openssl);
        Row(s, "SoftHSM2", m.SoftHsm2);
        Row(s, "load average at the start (1 / 5 / 15 min)", m.LoadAverage);
        LoadedMachineNote(s, m);
        s.AppendLine();

        s.AppendLine("### Targets");
        s.AppendLine();
        TargetTable(s, r.Targets);
        s.AppendLine();

        s.AppendLine("### Throughput and latency (C_Sign of a SHA-256 digest)");
        s.AppendLine();
        s.AppendLine(CultureInfo.InvariantCulture, $"![throughput against threads](../bench/results/{plotName})");
        s.AppendLine();
        ThroughputTables(s, r.Throughput);
        s.AppendLine();
        s.AppendLine("`openssl speed` (one core, for reference): "
            + string.Join(", ", r.OpensslSpeed.Select(o => $"{o.Algorithm} {o.SignaturesPerSecond:F0} signatures/s")) + ".");
        s.AppendLine();
        s.AppendLine($"Latency the library adds at 1 thread, p50(library) − p50(Sign API over gRPC), median of {r.LibraryLatencyAdded[0].Rounds} rounds alternating the two paths: "
            + string.Join(", ", r.LibraryLatencyAdded.Select(l => $"{l.Algorithm} {l.AddedMs:F3} ms ({l.LibraryP50Ms:F3} − {l.GrpcP50Ms:F3})")) + ".");
        s.AppendLine();

        var mp = r.Multipart;
        s.AppendLine("### Multi-part hashing, cold start, sustained load");
        s.AppendLine();
        s.AppendLine(CultureInfo.InvariantCulture, $"{mp.Mechanism} over {mp.Bytes / (1 << 20)} MiB in {mp.ChunkBytes / (1 << 20)} MiB C_SignUpdate chunks: "
            + $"our library {mp.LibraryMbPerSecond:F0} MB/s, SoftHSM2 {mp.SoftHsm2MbPerSecond:F0} MB/s, `sha256sum` {mp.Sha256sumMbPerSecond:F0} MB/s.");
        s.AppendLine();
        s.AppendLine("| cold start (median of fresh processes) | runs | dlopen | C_Initialize | find key | first C_Sign | total | memory added |");
        s.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var c in r.ColdStart)
        {
            Row(s, c.Module, c.Runs.ToString(CultureInfo.InvariantCulture), Ms(c.LoadMs), Ms(c.InitializeMs), Ms(c.FindKeyMs), Ms(c.FirstSignatureMs), Ms(c.TotalMs),
                $"{c.MemoryAddedMib:F1} MiB");
        }
        s.AppendLine();
        s.AppendLine("| sustained load (Sign API, EC P-256) | threads | seconds | signatures/s | p50 / p99 ms | failed calls | server RSS peak / end | signatures received | signature.created events |");
        s.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var l in r.Sustained)
        {
            Row(s, l.Store, l.Threads.ToString(CultureInfo.InvariantCulture), $"{l.Seconds:F1}", $"{l.SignaturesPerSecond:F0}", $"{l.P50Ms:F3} / {l.P99Ms:F3}",
                l.Failures.ToString(CultureInfo.InvariantCulture), $"{l.ServerRssPeakMib:F0} / {l.ServerRssEndMib:F0} MiB",
                l.SignaturesReceived.ToString(CultureInfo.InvariantCulture), l.AuditEvents.ToString(CultureInfo.InvariantCulture));
        }
        s.AppendLine();
        ReplicaTable(s, r.Replicas);
        s.AppendLine();
        s.AppendLine("| timestamp authority (RFC 3161 over plain HTTP, P-256 key in the software vault) | threads | timestamps/s | p50 / p99 ms | failed requests |");
        s.AppendLine("|---|---|---|---|---|");
        foreach (var t in r.Timestamps)
        {
            Row(s, "POST /tsa", t.Threads.ToString(CultureInfo.InvariantCulture), $"{t.TimestampsPerSecond:F0}", $"{t.P50Ms:F3} / {t.P99Ms:F3}",
                t.Failures.ToString(CultureInfo.InvariantCulture));
        }
        return s.ToString();
    }

    /// <summary>Says so when the 1-minute load average was at least the core count as the run began.</summary>
    public static void LoadedMachineNote(StringBuilder s, MachineInfo machine)
    {
        if (double.TryParse(machine.LoadAverage.Split(' ')[0], CultureInfo.InvariantCulture, out var load) && load >= machine.Cores)
        {
            s.AppendLine();
            s.AppendLine(CultureInfo.InvariantCulture, $"**Measured on a loaded {machine.Cores}-core machine**: other work shared the cores (1-minute load average {load} when the run began), so signatures/s and latencies are low and noisy; CPU per signature is the steadier figure.");
        }
    }

    public static void TargetTable(StringBuilder s, IEnumerable<TargetResult> targets)
    {
        s.AppendLine("| target | wanted | measured | reference / limit | ratio | met |");
        s.AppendLine("|---|---|---|---|---|---|");
        foreach (var t in targets)
        {
            var wanted = t.AtLeast ? $"ratio ≥ {t.RequiredRatio:0.##}" : "ratio ≤ 1";
            Row(s, t.Name, $"{t.Target} ({wanted})", $"{t.Measured:0.###} {t.Unit}", $"{t.Reference:0.###} {t.Unit}", $"{t.Ratio:F3}", t.Met ? "**met**" : "**missed**");
        }
    }

    /// <summary>Signatures/s with p50 / p99 per cell, then the CPU each signature cost the client and the server.</summary>
    public static void ThroughputTables(StringBuilder s, IReadOnlyList<ThroughputRow> throughput)
    {
        s.AppendLine("Signatures/s, then p50 / p99 latency in ms.");
        s.AppendLine();
        s.AppendLine("| key | threads | our library | SoftHSM2 | raw in-process | Sign API over gRPC |");
        s.AppendLine("|---|---|---|---|---|---|");
        foreach (var group in throughput.GroupBy(t => (t.Algorithm, t.Threads)))
        {
            var cells = Paths.All.Select(p => group.SingleOrDefault(t => t.Path == p) is { } t
                ? $"{t.SignaturesPerSecond:F0} ({t.P50Ms:F3} / {t.P99Ms:F3}){(t.Failures > 0 ? $", {t.Failures} failed" : "")}"
                : "");
            Row(s, [group.Key.Algorithm, group.Key.Threads.ToString(CultureInfo.InvariantCulture), .. cells]);
        }
        s.AppendLine();
        s.AppendLine("CPU per signature in µs (user + system from /proc over the measured window): the benchmark process "
            + "(client threads with the module, SoftHSM2 or the raw key in them), then the server process where the path has one.");
        s.AppendLine();
        s.AppendLine("| key | threads | our library: client / server | SoftHSM2 | raw in-process | Sign API over gRPC: client / server |");
        s.AppendLine("|---|---|---|---|---|---|");
        foreach (var group in throughput.GroupBy(t => (t.Algorithm, t.Threads)))
        {
            var cells = Paths.All.Select(p => group.SingleOrDefault(t => t.Path == p) is { } t
                ? t.ServerCpuUsPerSignature is { } server ? $"{t.ClientCpuUsPerSignature:F0} / {server:F0}" : $"{t.ClientCpuUsPerSignature:F0}"
                : "");
            Row(s, [group.Key.Algorithm, group.Key.Threads.ToString(CultureInfo.InvariantCulture), .. cells]);
        }
    }

    /// <summary>Scale-out: signatures/s through one and two replicas, and the wait for the advisory locks.</summary>
    public static void ReplicaTable(StringBuilder s, IReadOnlyList<ReplicaRow> replicas)
    {
        s.AppendLine("| replicas on one PostgreSQL, fsync on (Sign API, EC P-256, a Signer per replica) | threads | signatures/s | p50 / p99 ms | failed calls | writers' lock held exclusively | waiting for an advisory lock (average) | lock wait per signature | server CPU per signature (all replicas) |");
        s.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var r in replicas)
        {
            Row(s, r.Replicas.ToString(CultureInfo.InvariantCulture), r.Threads.ToString(CultureInfo.InvariantCulture), $"{r.SignaturesPerSecond:F0}",
                $"{r.P50Ms:F3} / {r.P99Ms:F3}", r.Failures.ToString(CultureInfo.InvariantCulture), $"{100 * r.LockHeldShare:F0}% of samples",
                $"{r.AverageLockWaiters:F2} transactions", $"{r.LockWaitMsPerSignature:F3} ms", $"{r.ServerCpuUsPerSignature:F0} µs");
        }
    }

    private static string Ms(double value) => $"{value:F1} ms";

    public static void Row(StringBuilder s, params string[] cells) => s.AppendLine($"| {string.Join(" | ", cells)} |");
}
