namespace CodeSigning.Bench;

/// <summary>The targets of issue #7, evaluated against one run's figures.</summary>
public static class Targets
{
    public const int ComparedThreads = 8;

    public static IReadOnlyList<TargetResult> Evaluate(IReadOnlyList<ThroughputRow> throughput, IReadOnlyList<LatencyAddedRow> latency,
        MultipartResult multipart, IReadOnlyList<ColdStartResult> coldStart, IReadOnlyList<SustainedResult> sustained)
    {
        double Rate(string path, BenchAlgorithm algorithm) =>
            throughput.Single(r => r.Path == path && r.Algorithm == algorithm.Name && r.Threads == ComparedThreads).SignaturesPerSecond;

        var library = coldStart.Single(c => c.Module == Paths.Library);
        // Each store on its own: extra events on one must not hide lost ones on the other.
        var audit = sustained.MinBy(s => (double)s.AuditEvents / s.SignaturesReceived)!;
        return
        [
            AtLeast($"EC P-256 through our library at {ComparedThreads} threads", "at least 50% of SoftHSM2's signatures/s",
                Rate(Paths.Library, BenchAlgorithm.EcP256), Rate(Paths.SoftHsm2, BenchAlgorithm.EcP256), "signatures/s", 0.5),
            AtLeast($"RSA-2048 through our library at {ComparedThreads} threads", "at least 80% of SoftHSM2's signatures/s",
                Rate(Paths.Library, BenchAlgorithm.Rsa2048), Rate(Paths.SoftHsm2, BenchAlgorithm.Rsa2048), "signatures/s", 0.8),
            // The worst of the four key types: the module's cost should not depend on the key.
            AtMost("Latency the library adds, p50 at 1 thread (worst key type)", "at most 0.5 ms",
                latency.Max(l => l.AddedMs), "ms", 0.5),
            AtMost("Cold start to first signature (median)", "at most 150 ms", library.TotalMs, "ms", 150),
            AtMost("Memory the library adds to its host (median)", "at most 40 MiB", library.MemoryAddedMib, "MiB", 40),
            AtLeast("Hashing in C_SignUpdate", "at least 90% of sha256sum's throughput",
                multipart.LibraryMbPerSecond, multipart.Sha256sumMbPerSecond, "MB/s", 0.9),
            // Recorded / received: below 1 means a client holds a signature the audit log does not show.
            AtLeast($"Audit events under sustained load (worst store: {audit.Store})", "zero lost: one signature.created per signature received",
                audit.AuditEvents, audit.SignaturesReceived, "events", 1),
        ];
    }

    private static TargetResult AtLeast(string name, string target, double measured, double reference, string unit, double required)
    {
        var ratio = measured / reference;
        return new TargetResult(name, target, measured, reference, unit, ratio, required, AtLeast: true, Met: ratio >= required);
    }

    private static TargetResult AtMost(string name, string target, double measured, string unit, double limit)
    {
        var ratio = measured / limit;
        return new TargetResult(name, target, measured, limit, unit, ratio, 1, AtLeast: false, Met: ratio <= 1);
    }
}
