namespace CodeSigning.Bench;

/// <summary>What one load run measured.</summary>
/// <param name="Signatures">Signatures completed inside the measured window.</param>
/// <param name="Completed">Every signature made, warm-up included: what the clients received.</param>
/// <param name="Failures">Calls that failed (any phase); <paramref name="FirstError"/> says why.</param>
public sealed record LoadResult(int Threads, long Signatures, long Completed, long Failures, string? FirstError,
    double Seconds, double SignaturesPerSecond, double P50Ms, double P99Ms);
