using Microsoft.Extensions.Logging;

namespace CodeSigning.Bench;

/// <summary>Progress of a run, on stderr.</summary>
public static partial class BenchLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "{Step}")]
    public static partial void Step(this ILogger logger, string step);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Path} {Algorithm} {Threads} threads: {PerSecond:F1} signatures/s, p50 {P50:F3} ms, p99 {P99:F3} ms, CPU per signature: client {Client:F0} µs, server {Server:F0} µs")]
    public static partial void Cell(this ILogger logger, string path, string algorithm, int threads, double perSecond, double p50, double p99, double client, double server);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Path} {Algorithm} {Threads} threads: {Failures} calls failed, the first: {Error}")]
    public static partial void CellFailures(this ILogger logger, string path, string algorithm, int threads, long failures, string? error);

    [LoggerMessage(Level = LogLevel.Information, Message = "latency added, {Algorithm}: median of {Rounds} paired rounds, library p50 {Library:F3} ms, Sign API p50 {Grpc:F3} ms, added {Added:F3} ms")]
    public static partial void LatencyAdded(this ILogger logger, string algorithm, int rounds, double library, double grpc, double added);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Target}: measured {Measured:G4} {Unit}, ratio {Ratio:F3} ({Verdict})")]
    public static partial void Target(this ILogger logger, string target, double measured, string unit, double ratio, string verdict);

    [LoggerMessage(Level = LogLevel.Information, Message = "wrote {Path}")]
    public static partial void Wrote(this ILogger logger, string path);
}
