using System.Diagnostics;
using CodeSigning.Tests.Shared;
using Npgsql;

namespace CodeSigning.Bench;

/// <summary>
/// Scale-out: one server, then two replicas, on one PostgreSQL cluster that flushes at every commit
/// (fsync on), the Sign API under the same total load, half the threads on each replica and each
/// replica's threads on a Signer of its own (EC P-256). Signatures hold the writers' advisory lock
/// shared and their Signer's chain lock; pg_locks, sampled every millisecond or so, gives how many
/// transactions waited for any advisory lock on average, which over the window and the signatures is
/// the wait per signature (Little's law), and how often a change held the writers' lock exclusively.
/// </summary>
public static class ReplicaLoad
{
    public static async Task<List<ReplicaRow>> RunAsync(int threads, TimeSpan warmup, TimeSpan duration)
    {
        var algorithm = BenchAlgorithm.EcP256;
        using var cluster = PostgresCluster.StartDurable();
        var database = cluster.CreateDatabase();
        await using var first = await BenchServer.StartAsync([algorithm], database: database, signersPerAlgorithm: 2).ConfigureAwait(false);
        await using var second = await first.Server.StartReplicaAsync().ConfigureAwait(false);
        var signers = first.Signers.Keys.Order(StringComparer.Ordinal).ToArray();
        using var firstChannel = first.OperatorChannel();
        using var secondChannel = second.CreateChannel(first.OperatorKey);
        var connectionString = $"Host=127.0.0.1;Port={cluster.Port};Username=postgres;Database={database[(database.LastIndexOf('/') + 1)..]};Pooling=false";
        int[] pids = [first.ServerProcessId(), ProcessMemory.FindByArgument(second.DataDir)];

        var rows = new List<ReplicaRow>();
        foreach (var replicas in new[] { 1, 2 })
        {
            var next = -1;
            // Thread i signs on replica i % replicas with that replica's Signer.
            var sampler = new LockSampler(connectionString);
            var cpuBefore = pids.Sum(p => ProcessCpu.Seconds(p));
            var load = Task.Run(() => LoadRunner.Run(threads, warmup, duration, () =>
            {
                var replica = Interlocked.Increment(ref next) % replicas;
                return new GrpcSignWorker(replica == 0 ? firstChannel : secondChannel, signers[replica], algorithm);
            }));
            await Task.Delay(warmup).ConfigureAwait(false);
            var locks = await sampler.SampleAsync(duration).ConfigureAwait(false);
            var result = await load.ConfigureAwait(false);
            var cpu = pids.Sum(p => ProcessCpu.Seconds(p)) - cpuBefore;
            rows.Add(new ReplicaRow(replicas, replicas, threads, result.Seconds, result.SignaturesPerSecond, result.P50Ms, result.P99Ms,
                result.Failures, result.FirstError, locks.AverageWaiting, locks.HeldShare,
                result.Signatures == 0 ? double.NaN : locks.AverageWaiting * result.Seconds * 1000 / result.Signatures,
                locks.Samples, result.Completed == 0 ? double.NaN : cpu * 1e6 / result.Completed));
        }
        return rows;
    }

    private sealed class LockSampler(string connectionString)
    {
        public async Task<(double AverageWaiting, double HeldShare, long Samples)> SampleAsync(TimeSpan duration)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync().ConfigureAwait(false);
            await using var command = new NpgsqlCommand(
                "SELECT count(*) FILTER (WHERE NOT granted), count(*) FILTER (WHERE granted AND objsubid = 1 AND mode = 'ExclusiveLock') " +
                "FROM pg_locks WHERE locktype = 'advisory'", connection);
            await command.PrepareAsync().ConfigureAwait(false);
            long samples = 0, waiting = 0, held = 0;
            var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() < until)
            {
                await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
                await reader.ReadAsync().ConfigureAwait(false);
                waiting += reader.GetInt64(0);
                held += reader.GetInt64(1) > 0 ? 1 : 0;
                samples++;
                await Task.Delay(1).ConfigureAwait(false);
            }
            return samples == 0 ? (double.NaN, double.NaN, 0) : ((double)waiting / samples, (double)held / samples, samples);
        }
    }
}

/// <summary>One row of the scale-out measurement: the Sign API on PostgreSQL (fsync on) through one or two replicas.</summary>
/// <param name="AverageLockWaiters">Write transactions waiting for an advisory lock (the writers' lock or a chain's), averaged over the pg_locks samples.</param>
/// <param name="LockHeldShare">Share of the samples in which a change held the writers' lock exclusively.</param>
/// <param name="LockWaitMsPerSignature">Average waiters × window ÷ signatures (Little's law).</param>
/// <param name="ServerCpuUsPerSignature">CPU of both server processes over the run, warm-up included, ÷ every signature made.</param>
public sealed record ReplicaRow(int Replicas, int Signers, int Threads, double Seconds, double SignaturesPerSecond, double P50Ms, double P99Ms,
    long Failures, string? FirstError, double AverageLockWaiters, double LockHeldShare, double LockWaitMsPerSignature, long LockSamples,
    double ServerCpuUsPerSignature);
