namespace CodeSigning.Bench;

/// <summary>The targets of issues #7 and #21, evaluated against one run's figures.</summary>
public static class Targets
{
    public const int ComparedThreads = 8;

    public static IReadOnlyList<TargetResult> Evaluate(IReadOnlyList<ThroughputRow> throughput, IReadOnlyList<LatencyAddedRow> latency,
        MultipartResult multipart, IReadOnlyList<ColdStartResult> coldStart, IReadOnlyList<SustainedResult> sustained)
    {
        var library = coldStart.Single(c => c.Module == Paths.Library);
        // Each store on its own: extra events on one must not hide lost ones on the other.
        var audit = sustained.MinBy(s => (double)s.AuditEvents / s.SignaturesReceived)!;
        return
        [
            .. OfThroughput(throughput),
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

    /// <summary>The targets the throughput matrix alone decides, for the key types and thread counts it ran.</summary>
    public static IEnumerable<TargetResult> OfThroughput(IReadOnlyList<ThroughputRow> throughput)
    {
        ThroughputRow? Cell(string path, BenchAlgorithm algorithm, int threads) =>
            throughput.SingleOrDefault(r => r.Path == path && r.Algorithm == algorithm.Name && r.Threads == threads);

        if (Cell(Paths.Library, BenchAlgorithm.EcP256, ComparedThreads) is { } p256 && Cell(Paths.SoftHsm2, BenchAlgorithm.EcP256, ComparedThreads) is { } p256Token)
        {
            yield return AtLeast($"EC P-256 through our library at {ComparedThreads} threads", "at least 50% of SoftHSM2's signatures/s",
                p256.SignaturesPerSecond, p256Token.SignaturesPerSecond, "signatures/s", 0.5);
            yield return AtMost($"Server CPU per signature, EC P-256 through our library at {ComparedThreads} threads", "at most 150 µs",
                p256.ServerCpuUsPerSignature ?? double.NaN, "µs", 150);
            yield return AtMost($"Client CPU per signature (module), EC P-256 at {ComparedThreads} threads", "at most 60 µs",
                p256.ClientCpuUsPerSignature ?? double.NaN, "µs", 60);
        }
        if (Cell(Paths.Library, BenchAlgorithm.Rsa2048, ComparedThreads) is { } rsa && Cell(Paths.SoftHsm2, BenchAlgorithm.Rsa2048, ComparedThreads) is { } rsaToken)
        {
            yield return AtLeast($"RSA-2048 through our library at {ComparedThreads} threads", "at least 80% of SoftHSM2's signatures/s",
                rsa.SignaturesPerSecond, rsaToken.SignaturesPerSecond, "signatures/s", 0.8);
        }
        if (Cell(Paths.Library, BenchAlgorithm.EcP256, 1) is { } single)
        {
            yield return AtMost("p50 latency at 1 thread, EC P-256 through our library", "at most 0.5 ms", single.P50Ms, "ms", 0.5);
        }
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
