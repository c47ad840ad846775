using CodeSigning.V1;

namespace CodeSigning.Bench;

/// <summary>
/// A fresh server under sustained load through the Sign API (EC P-256), its memory from /proc, and
/// afterwards every signature.created event counted through the Audit API: each signature a client
/// received must have its durable audit event.
/// </summary>
public static class SustainedLoad
{
    /// <param name="warmup">Not in the rate or the latencies (connections, pools, JIT); its signatures are audited and counted all the same.</param>
    public static async Task<SustainedResult> RunAsync(string store, bool postgres, int threads, TimeSpan warmup, TimeSpan duration)
    {
        var algorithm = BenchAlgorithm.EcP256;
        var signer = BenchServer.SignerName(algorithm);
        await using var bench = await BenchServer.StartAsync([algorithm], postgres).ConfigureAwait(false);
        var pid = bench.ServerProcessId();
        LoadResult load;
        using (var channel = bench.OperatorChannel())
        {
            load = LoadRunner.Run(threads, warmup, duration, () => new GrpcSignWorker(channel, signer, algorithm));
        }
        var (rssEnd, rssPeak) = ProcessMemory.Read(pid);
        var events = await CountSignatureEventsAsync(bench, signer).ConfigureAwait(false);
        return new SustainedResult(store, threads, load.Seconds, load.Completed, load.Failures, load.FirstError, load.SignaturesPerSecond,
            load.P50Ms, load.P99Ms, rssPeak, rssEnd, events, load.Completed - events);
    }

    private static async Task<long> CountSignatureEventsAsync(BenchServer bench, string signer)
    {
        using var admin = bench.Server.CreateChannel(bench.Server.AdminApiKey);
        var audit = new AuditService.AuditServiceClient(admin);
        var request = new QueryAuditEventsRequest
        {
            Filter = new AuditFilter { Signer = signer, Types_ = { "signature.created" } },
            PageSize = 1000,
        };
        long count = 0;
        do
        {
            var page = await audit.QueryAuditEventsAsync(request).ConfigureAwait(false);
            count += page.Events.Count;
            request.AfterSequence = page.NextAfterSequence;
        }
        while (request.AfterSequence != 0);
        return count;
    }
}
