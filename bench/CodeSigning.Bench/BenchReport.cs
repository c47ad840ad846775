using System.Text.Json.Serialization;

namespace CodeSigning.Bench;

/// <summary>Everything one run measured: serialized to bench/results/&lt;date&gt;.json (snake_case).</summary>
public sealed record BenchReport(
    DateTimeOffset Date,
    BenchOptions Settings,
    MachineInfo Machine,
    IReadOnlyList<ThroughputRow> Throughput,
    IReadOnlyList<OpensslSpeedRow> OpensslSpeed,
    IReadOnlyList<LatencyAddedRow> LibraryLatencyAdded,
    MultipartResult Multipart,
    IReadOnlyList<ColdStartResult> ColdStart,
    IReadOnlyList<SustainedResult> Sustained,
    IReadOnlyList<TargetResult> Targets,
    IReadOnlyList<TimestampRow> Timestamps,
    IReadOnlyList<ReplicaRow> Replicas);

/// <summary>
/// One cell of the throughput matrix. Path: library, softhsm2, raw or grpc. CPU per signature in µs from
/// /proc over the measured window: the benchmark process (client threads, and the module or SoftHSM2 in
/// them) and, for the paths through the server, the server process; null where there is no server.
/// </summary>
public sealed record ThroughputRow(string Path, string Algorithm, int Threads, double SignaturesPerSecond, double P50Ms, double P99Ms,
    long Signatures, double Seconds, long Failures, string? FirstError, double? ClientCpuUsPerSignature, double? ServerCpuUsPerSignature)
{
    public static ThroughputRow From(string path, BenchAlgorithm algorithm, LoadResult result) =>
        new(path, algorithm.Name, result.Threads, result.SignaturesPerSecond, result.P50Ms, result.P99Ms,
            result.Signatures, result.Seconds, result.Failures, result.FirstError, result.ClientCpuUs, result.ServerCpuUs);
}

/// <summary><c>openssl speed</c> on one core, for reference.</summary>
public sealed record OpensslSpeedRow(string Algorithm, double SignaturesPerSecond);

/// <summary>
/// p50 through the module minus p50 of the direct Sign API call, at one thread: medians over rounds that
/// alternate the two paths, so a drift in the machine or a server still warming up hits both alike.
/// </summary>
public sealed record LatencyAddedRow(string Algorithm, int Rounds, double LibraryP50Ms, double GrpcP50Ms, double AddedMs);

/// <summary>C_SignUpdate over one file in fixed chunks against sha256sum on the same page-cached file (MB = 10^6 bytes).</summary>
public sealed record MultipartResult(long Bytes, int ChunkBytes, string Mechanism, double LibraryMbPerSecond,
    [property: JsonPropertyName("softhsm2_mb_per_second")] double SoftHsm2MbPerSecond,
    double Sha256sumMbPerSecond);

/// <summary>Medians over fresh processes: dlopen to first signature, and VmRSS after it minus before dlopen.</summary>
public sealed record ColdStartResult(string Module, int Runs, double LoadMs, double InitializeMs, double FindKeyMs, double FirstSignatureMs,
    double TotalMs, double MemoryAddedMib);

/// <summary>The server under sustained load through the Sign API, and the audit check afterwards.</summary>
/// <param name="LostAuditEvents">Signatures the clients received minus signature.created events recorded.</param>
public sealed record SustainedResult(string Store, int Threads, double Seconds, long SignaturesReceived, long Failures, string? FirstError,
    double SignaturesPerSecond, double P50Ms, double P99Ms, double ServerRssPeakMib, double ServerRssEndMib, long AuditEvents, long LostAuditEvents);

/// <summary>
/// One target of issue #7. Relative targets compare <see cref="Ratio"/> = measured / reference with
/// <see cref="RequiredRatio"/> (at least); absolute limits compare measured / limit with 1 (at most).
/// </summary>
public sealed record TargetResult(string Name, string Target, double Measured, double? Reference, string Unit, double Ratio,
    double RequiredRatio, bool AtLeast, bool Met);

/// <summary>One thread count of the timestamp authority's throughput.</summary>
public sealed record TimestampRow(int Threads, double TimestampsPerSecond, double P50Ms, double P99Ms, long Timestamps, long Failures, string? FirstError)
{
    public static TimestampRow From(LoadResult result) =>
        new(result.Threads, result.SignaturesPerSecond, result.P50Ms, result.P99Ms, result.Signatures, result.Failures, result.FirstError);
}
