using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using CodeSigning.Pkcs11.Cryptoki;

namespace CodeSigning.Pkcs11.Logging;

/// <summary>
/// What the module did between C_Initialize and C_Finalize, written to its log at C_Finalize: a
/// host has no metrics endpoint, but its log shows whether signing was slow or failing.
/// </summary>
public static class ModuleCounters
{
    private static readonly ConcurrentDictionary<CKR, long> Failures = new();
    private static long _serverCalls;
    private static long _signatures;
    private static long _serverTicks;
    private static long _maxServerTicks;

    public static void Reset()
    {
        Failures.Clear();
        Interlocked.Exchange(ref _serverCalls, 0);
        Interlocked.Exchange(ref _signatures, 0);
        Interlocked.Exchange(ref _serverTicks, 0);
        Interlocked.Exchange(ref _maxServerTicks, 0);
    }

    /// <summary>One round trip to a server (answered or not), from its start timestamp.</summary>
    public static void ServerCalled(long startTimestamp)
    {
        var elapsed = Stopwatch.GetTimestamp() - startTimestamp;
        Interlocked.Increment(ref _serverCalls);
        Interlocked.Add(ref _serverTicks, elapsed);
        long max;
        while (elapsed > (max = Volatile.Read(ref _maxServerTicks)) && Interlocked.CompareExchange(ref _maxServerTicks, elapsed, max) != max)
        {
        }
    }

    public static void Signed() => Interlocked.Increment(ref _signatures);

    /// <summary>A C_* call that returned <paramref name="result"/> instead of CKR_OK.</summary>
    public static void Failed(CKR result) => Failures.AddOrUpdate(result, 1, (_, count) => count + 1);

    /// <summary>One line: <c>server_calls=3 signatures=2 server_ms_avg=4.1 server_ms_max=9.0 failures=CKR_KEY_HANDLE_INVALID:1</c>.</summary>
    public static string Summary()
    {
        var calls = Volatile.Read(ref _serverCalls);
        var averageMs = calls == 0 ? 0 : Stopwatch.GetElapsedTime(0, Volatile.Read(ref _serverTicks)).TotalMilliseconds / calls;
        var maxMs = Stopwatch.GetElapsedTime(0, Volatile.Read(ref _maxServerTicks)).TotalMilliseconds;
        var failures = Failures.IsEmpty ? "none" : string.Join(",", Failures.OrderBy(f => f.Key).Select(f => $"{f.Key}:{f.Value}"));
        return string.Create(CultureInfo.InvariantCulture,
            $"server_calls={calls} signatures={Volatile.Read(ref _signatures)} server_ms_avg={averageMs:F1} server_ms_max={maxMs:F1} failures={failures}");
    }
}
