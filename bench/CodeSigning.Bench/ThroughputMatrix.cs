using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace CodeSigning.Bench;

/// <summary>Parts 1 to 4: every key type at every thread count through our library, SoftHSM2, the raw key and the Sign API.</summary>
public static class ThroughputMatrix
{
    public static List<ThroughputRow> Run(BenchOptions options, BenchServer server, GrpcChannel channel, Pkcs11Module library,
        SoftHsmToken softHsm, ILogger log)
    {
        var rows = new List<ThroughputRow>();
        var serverPid = server.ServerProcessId();
        // A fresh server runs its first seconds on unoptimized (tier-0) code and cold pools: warm it
        // with the first key type at 8 threads, so the first cell does not pay for it.
        var first = options.Algorithms[0];
        LoadRunner.Run(8, options.Warmup, options.Duration,
            () => library.CreateWorker(BenchServer.SignerName(first), BenchServer.SignerName(first), first.PrehashedMechanism, first.PrehashedInput));
        foreach (var algorithm in options.Algorithms)
        {
            using var rawKey = algorithm.CreateKey();
            var signer = BenchServer.SignerName(algorithm);
            (string Path, Func<ISignWorker> Create)[] workers =
            [
                (Paths.Library, () => library.CreateWorker(signer, signer, algorithm.PrehashedMechanism, algorithm.PrehashedInput)),
                (Paths.SoftHsm2, () => softHsm.Module.CreateWorker(SoftHsmToken.TokenLabel, algorithm.Id, algorithm.PrehashedMechanism, algorithm.PrehashedInput)),
                (Paths.Raw, () => new RawSignWorker(rawKey)),
                (Paths.Grpc, () => new GrpcSignWorker(channel, signer, algorithm)),
            ];
            foreach (var (path, create) in workers.Where(w => w.Path is Paths.Library or Paths.Grpc))
            {
                using var worker = create();
                SignatureCheck.Verify(path, algorithm, server.Signers[signer].PublicKey.ToByteArray(), worker.Sign());
            }
            foreach (var threads in options.Threads)
            {
                // The four paths back to back per cell, so a change in the machine's load hits them alike.
                foreach (var (path, create) in workers)
                {
                    var result = LoadRunner.Run(threads, options.Warmup, options.Duration, create,
                        path is Paths.Library or Paths.Grpc ? serverPid : null);
                    log.Cell(path, algorithm.Name, threads, result.SignaturesPerSecond, result.P50Ms, result.P99Ms,
                        result.ClientCpuUs ?? double.NaN, result.ServerCpuUs ?? double.NaN);
                    if (result.Failures > 0)
                    {
                        log.CellFailures(path, algorithm.Name, threads, result.Failures, result.FirstError);
                    }
                    rows.Add(ThroughputRow.From(path, algorithm, result));
                }
            }
        }
        return rows;
    }
}
