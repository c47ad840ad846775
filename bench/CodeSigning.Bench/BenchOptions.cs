namespace CodeSigning.Bench;

/// <summary>How long and how much each part runs: the full run (about 10 minutes) or the quick smoke test (BENCH_QUICK=1 or --quick). Recorded in the results.</summary>
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
    TimeSpan LatencyRoundDuration)
{
    public static BenchOptions Parse(string[] args)
    {
        var quick = args.Contains("--quick") || Environment.GetEnvironmentVariable("BENCH_QUICK") == "1";
        return quick
            ? new(true, TimeSpan.FromSeconds(0.25), TimeSpan.FromSeconds(0.5), [1, 2, 8, 32], 1, 64L << 20, 3, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), 16, 1, TimeSpan.FromSeconds(0.5))
            : new(false, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), [1, 2, 8, 32], 3, 1L << 30, 11, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60), 16, 5, TimeSpan.FromSeconds(2));
    }
}
