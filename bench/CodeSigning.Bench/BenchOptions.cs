using System.Text.Json.Serialization;

namespace CodeSigning.Bench;

/// <summary>
/// How long and how much each part runs: the full run (about 15 minutes) or the quick smoke test
/// (BENCH_QUICK=1 or --quick). Recorded in the results. <c>--matrix-only</c> runs just the throughput
/// matrix, optionally for <c>--algorithms p256,rsa2048</c> and <c>--threads 1,8</c>, and writes
/// <c>bench/results/&lt;date&gt;-matrix-&lt;label&gt;.json</c> (<c>--label</c>): a before/after comparison of one change.
/// <c>--replicas-only</c> runs just the scale-out rows (<see cref="ReplicaLoad"/>), also with <c>--label</c>.
/// </summary>
public sealed record BenchOptions(
    bool Quick,
    TimeSpan Warmup,
    TimeSpan Duration,
    IReadOnlyList<int> Threads,
    int OpensslSeconds,
    long MultipartBytes,
    int ColdStartRuns,
    TimeSpan SustainedWarmup,
    TimeSpan SustainedDuration,
    int SustainedThreads,
    int LatencyRounds,
    TimeSpan LatencyRoundDuration,
    [property: JsonIgnore] IReadOnlyList<BenchAlgorithm> Algorithms,
    bool MatrixOnly,
    string? Label)
{
    public IEnumerable<string> KeyTypes => Algorithms.Select(a => a.Name);

    public static BenchOptions Parse(string[] args)
    {
        var quick = args.Contains("--quick") || Environment.GetEnvironmentVariable("BENCH_QUICK") == "1";
        var algorithms = Value(args, "--algorithms") is { } ids
            ? ids.Split(',').Select(id => BenchAlgorithm.All.SingleOrDefault(a => a.Id == id)
                ?? throw new ArgumentException($"--algorithms: unknown key type '{id}' (known: {string.Join(", ", BenchAlgorithm.All.Select(a => a.Id))})")).ToList()
            : BenchAlgorithm.All;
        IReadOnlyList<int> threads = Value(args, "--threads") is { } counts ? counts.Split(',').Select(int.Parse).ToList() : [1, 2, 8, 32];
        var matrixOnly = args.Contains("--matrix-only");
        var label = Value(args, "--label");
        return quick
            ? new(true, TimeSpan.FromSeconds(0.25), TimeSpan.FromSeconds(0.5), threads, 1, 64L << 20, 3, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), 16, 1, TimeSpan.FromSeconds(0.5),
                algorithms, matrixOnly, label)
            : new(false, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), threads, 3, 1L << 30, 11, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60), 16, 5, TimeSpan.FromSeconds(2),
                algorithms, matrixOnly, label);
    }

    private static string? Value(string[] args, string name) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
