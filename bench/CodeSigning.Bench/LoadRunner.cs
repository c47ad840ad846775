using System.Diagnostics;

namespace CodeSigning.Bench;

/// <summary>
/// Runs a signing workload on dedicated threads (a thread blocked in a module must not starve the
/// thread pool), a warm-up first, then a measured window: the calls that complete inside it, each
/// with its latency. Every thread stays busy until the window closes, so the load is even across it.
/// CPU time (user + system) of this process and of the server, if named, is read from /proc at the
/// window's start and end and divided by the calls completed inside it.
/// </summary>
public static class LoadRunner
{
    public static LoadResult Run(int threads, TimeSpan warmup, TimeSpan duration, Func<ISignWorker> createWorker, int? serverPid = null)
    {
        var latencies = new List<long>[threads];
        var completed = new long[threads];
        var failures = new long[threads];
        string? firstError = null;
        Exception? setupError = null;
        using var ready = new CountdownEvent(threads);
        using var go = new ManualResetEventSlim();
        long measureFrom = 0, measureUntil = 0;

        var workers = Enumerable.Range(0, threads).Select(index => new Thread(() =>
        {
            ISignWorker worker;
            try
            {
                worker = createWorker();
            }
            catch (Exception ex)
            {
                Interlocked.CompareExchange(ref setupError, ex, null);
                ready.Signal();
                return;
            }
            using (worker)
            {
                var own = latencies[index] = new List<long>(4096);
                ready.Signal();
                go.Wait();
                if (Volatile.Read(ref setupError) is not null)
                {
                    return;
                }
                long start;
                while ((start = Stopwatch.GetTimestamp()) < measureUntil)
                {
                    try
                    {
                        worker.Sign();
                    }
                    catch (Exception ex)
                    {
                        failures[index]++;
                        Interlocked.CompareExchange(ref firstError, $"{ex.GetType().Name}: {ex.Message}", null);
                        continue;
                    }
                    var end = Stopwatch.GetTimestamp();
                    completed[index]++;
                    if (end >= measureFrom && end < measureUntil)
                    {
                        own.Add(end - start);
                    }
                }
            }
        })
        { IsBackground = true, Name = $"bench-{index}" }).ToList();

        workers.ForEach(w => w.Start());
        ready.Wait();
        var now = Stopwatch.GetTimestamp();
        measureFrom = now + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        measureUntil = measureFrom + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        go.Set();
        double ServerCpu() => serverPid is { } pid ? ProcessCpu.Seconds(pid) : 0;
        SleepUntil(measureFrom);
        var (clientFrom, serverFrom) = (ProcessCpu.Seconds(), ServerCpu());
        SleepUntil(measureUntil);
        var (clientUntil, serverUntil) = (ProcessCpu.Seconds(), ServerCpu());
        workers.ForEach(w => w.Join());
        if (setupError is not null)
        {
            throw new InvalidOperationException($"a benchmark thread could not start: {setupError.Message}", setupError);
        }

        var all = latencies.SelectMany(l => l).Order().ToArray();
        double? PerSignature(double seconds) => all.Length == 0 ? null : seconds * 1e6 / all.Length;
        return new LoadResult(threads, all.Length, completed.Sum(), failures.Sum(), firstError, duration.TotalSeconds,
            all.Length / duration.TotalSeconds, Percentile(all, 0.50), Percentile(all, 0.99),
            PerSignature(clientUntil - clientFrom), serverPid is null ? null : PerSignature(serverUntil - serverFrom));
    }

    private static void SleepUntil(long timestamp)
    {
        var remaining = timestamp - Stopwatch.GetTimestamp();
        if (remaining > 0)
        {
            Thread.Sleep(TimeSpan.FromSeconds((double)remaining / Stopwatch.Frequency));
        }
    }

    private static double Percentile(long[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)] * 1000.0 / Stopwatch.Frequency;
}
