using System.Globalization;
using Microsoft.Extensions.Logging;

namespace CodeSigning.Bench;

/// <summary>
/// <c>./build.sh profile</c>: the published server under the matrix's load through our library (EC P-256
/// by default) at each thread count, sampled by <c>dotnet-trace</c> (.NET thread stacks at about 100 Hz),
/// and each trace summarized by <c>bench/profile_summary.py</c> into where the server's samples go.
/// Before the trace, an untraced window splits the server's CPU time by thread kind from /proc (the
/// sampler sees neither the GC's own threads nor the kernel). Traces and summaries go to
/// artifacts/profile/; they are not results to commit as they are.
/// </summary>
public static class ServerProfile
{
    // Long enough for the tiered JIT to finish optimizing the hot paths of a fresh server.
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Untraced = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Traced = TimeSpan.FromSeconds(15);

    public static async Task RunAsync(BenchOptions options, string root, string modulePath, string dotnetTrace, ILogger log)
    {
        var output = Directory.CreateDirectory(Path.Combine(root, "artifacts", "profile")).FullName;
        await using var server = await BenchServer.StartAsync(options.Algorithms).ConfigureAwait(false);
        using var library = new Pkcs11Module(modulePath);
        var pid = server.ServerProcessId();
        foreach (var algorithm in options.Algorithms)
        {
            var signer = BenchServer.SignerName(algorithm);
            foreach (var threads in options.Threads)
            {
                var name = $"{algorithm.Id}-{threads.ToString(CultureInfo.InvariantCulture)}threads";
                var trace = Path.Combine(output, $"{name}.nettrace");
                log.Step($"profiling the server (pid {pid}) under {algorithm.Name} through our library at {threads} threads: {Traced.TotalSeconds} s into {trace}");
                // The load runs past both ends of the trace, so every sample is taken under full load.
                var load = Task.Run(() => LoadRunner.Run(threads, Warmup, Untraced + Traced + TimeSpan.FromSeconds(4),
                    () => library.CreateWorker(signer, signer, algorithm.PrehashedMechanism, algorithm.PrehashedInput), pid));
                await Task.Delay(Warmup + TimeSpan.FromSeconds(1)).ConfigureAwait(false);
                var before = ProcessCpu.ByThreadName(pid);
                await Task.Delay(Untraced).ConfigureAwait(false);
                var split = ProcessCpu.ByThreadName(pid).Select(t => (Thread: t.Key, Seconds: t.Value - before.GetValueOrDefault(t.Key)))
                    .Where(t => t.Seconds > 0).OrderByDescending(t => t.Seconds).ToList();
                ToolProcess.Run(dotnetTrace, ["collect", "-p", pid.ToString(CultureInfo.InvariantCulture), "--profile", "dotnet-sampled-thread-time",
                    "--format", "Speedscope", "--duration", $"00:00:00:{Traced.TotalSeconds:00}", "-o", trace]);
                var result = await load.ConfigureAwait(false);
                log.Cell(Paths.Library, algorithm.Name, threads, result.SignaturesPerSecond, result.P50Ms, result.P99Ms,
                    result.ClientCpuUs ?? double.NaN, result.ServerCpuUs ?? double.NaN);
                var summary = ToolProcess.Run("/usr/bin/python3", [Path.Combine(root, "bench", "profile_summary.py"),
                    Path.ChangeExtension(trace, ".speedscope.json"), $"{algorithm.Name}, {threads} threads, {result.SignaturesPerSecond:F0} signatures/s, "
                        + $"server {result.ServerCpuUs:F0} µs and client {result.ClientCpuUs:F0} µs of CPU per signature (tracer attached)"]);
                var total = split.Sum(t => t.Seconds);
                var threadTable = $"Server CPU by thread over {Untraced.TotalSeconds} s untraced before the trace ({total:F2} CPU-seconds):\n\n"
                    + "| thread | share of the server's CPU |\n|---|---|\n"
                    + string.Concat(split.Select(t => $"| {t.Thread} | {100 * t.Seconds / total:F1}% |\n"));
                var summaryPath = Path.Combine(output, $"{name}.md");
                await File.WriteAllTextAsync(summaryPath, $"{summary}\n{threadTable}").ConfigureAwait(false);
                log.Wrote(summaryPath);
            }
        }
    }
}
