using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace CodeSigning.Bench;

/// <summary>
/// What the module adds to one signature: one thread signing through the module, then through the
/// Sign API directly, round after round. A single pair of cells is at the mercy of whatever the machine
/// or the server's JIT did in those seconds; the median of paired rounds is not.
/// </summary>
public static class LatencyAdded
{
    public static List<LatencyAddedRow> Run(BenchOptions options, GrpcChannel channel, Pkcs11Module library, ILogger log)
    {
        var rows = new List<LatencyAddedRow>();
        foreach (var algorithm in options.Algorithms)
        {
            var signer = BenchServer.SignerName(algorithm);
            var libraryP50 = new List<double>();
            var grpcP50 = new List<double>();
            for (var round = 0; round < options.LatencyRounds; round++)
            {
                libraryP50.Add(LoadRunner.Run(1, options.Warmup, options.LatencyRoundDuration,
                    () => library.CreateWorker(signer, signer, algorithm.PrehashedMechanism, algorithm.PrehashedInput)).P50Ms);
                grpcP50.Add(LoadRunner.Run(1, options.Warmup, options.LatencyRoundDuration,
                    () => new GrpcSignWorker(channel, signer, algorithm)).P50Ms);
            }
            var added = Statistics.Median(libraryP50.Zip(grpcP50, (l, g) => l - g));
            log.LatencyAdded(algorithm.Name, options.LatencyRounds, Statistics.Median(libraryP50), Statistics.Median(grpcP50), added);
            rows.Add(new LatencyAddedRow(algorithm.Name, options.LatencyRounds, Statistics.Median(libraryP50), Statistics.Median(grpcP50), added));
        }
        return rows;
    }

}
