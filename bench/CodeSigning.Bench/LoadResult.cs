namespace CodeSigning.Bench;

/// <summary>What one load run measured.</summary>
/// <param name="Signatures">Signatures completed inside the measured window.</param>
/// <param name="Completed">Every signature made, warm-up included: what the clients received.</param>
/// <param name="ClientCpuUs">CPU time of this process (client threads, module or token included) per signature, in µs, over the measured window.</param>
/// <param name="ServerCpuUs">CPU time of the server process per signature, in µs, over the same window; null when no server was named.</param>
/// <param name="Failures">Calls that failed (any phase); <paramref name="FirstError"/> says why.</param>
public sealed record LoadResult(int Threads, long Signatures, long Completed, long Failures, string? FirstError,
    double Seconds, double SignaturesPerSecond, double P50Ms, double P99Ms, double? ClientCpuUs = null, double? ServerCpuUs = null);
