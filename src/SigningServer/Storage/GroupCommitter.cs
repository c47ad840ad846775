using System.Threading.Channels;
using CodeSigning.Server.Telemetry;
using Microsoft.Extensions.Logging;

namespace CodeSigning.Server.Storage;

/// <summary>
/// One writer thread that runs units of work in shared write transactions: whatever queued up
/// while the previous group was committing goes into the next one, so the store's write lock and
/// the durable commit (fsync) are paid once per group instead of once per unit. A unit's task
/// completes only after its group's commit returned, so nothing is reported before it is durable.
/// Units that only append to one audit chain (a signature) run in append transactions, one per
/// chain where the store runs those in parallel (<see cref="IStore.ParallelAppends"/>), so
/// signatures on different Signers do not wait for each other across replicas.
/// </summary>
/// <remarks>
/// A unit must not swallow store errors: any exception rolls back its whole group, whose units are
/// then run again, each in a transaction of its own, so one failing unit fails alone.
/// </remarks>
public sealed class GroupCommitter : IDisposable
{
    /// <summary>Bounds the time one group holds the write lock.</summary>
    private const int MaxGroupSize = 128;

    private readonly IStore _store;
    private readonly ILogger<GroupCommitter> _logger;
    private readonly Channel<IUnit> _queue = Channel.CreateUnbounded<IUnit>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Thread _writer;

    public GroupCommitter(IStore store, ILogger<GroupCommitter> logger)
    {
        _store = store;
        _logger = logger;
        _writer = new Thread(Run) { IsBackground = true, Name = "group commit" };
        _writer.Start();
    }

    /// <summary>Runs <paramref name="work"/> in the next group's transaction; completes once that transaction committed.</summary>
    /// <param name="chain">
    /// Null: the unit may write anything, in a <see cref="IStore.Begin"/> transaction. Otherwise it only
    /// reads, consumes grant units and appends to this audit chain (<see cref="IStore.BeginAppend"/>).
    /// </param>
    public Task<T> RunAsync<T>(Func<IStoreSession, T> work, string? chain = null)
    {
        var unit = new Unit<T>(work, chain);
        if (!_queue.Writer.TryWrite(unit))
        {
            throw new InvalidOperationException("the server is stopping: nothing more can be committed");
        }
        return unit.Completion.Task;
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _writer.Join();
    }

    private void Run()
    {
        var group = new List<IUnit>(MaxGroupSize);
        var reader = _queue.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (group.Count < MaxGroupSize && reader.TryRead(out var unit))
            {
                group.Add(unit);
            }
            if (group.Count == 1 || !_store.ParallelAppends)
            {
                Commit(group);
            }
            else
            {
                // A transaction per chain (and one for the other units): an append transaction holds one chain only.
                foreach (var lane in group.GroupBy(u => u.Chain))
                {
                    Commit(lane.ToList());
                }
            }
            group.Clear();
        }
    }

    private void Commit(List<IUnit> group)
    {
        try
        {
            // Appends only when every unit only appends: one unit that may write anything makes it a writer's transaction.
            using (var session = group.All(u => u.Chain is not null) ? _store.BeginAppend() : _store.Begin())
            {
                foreach (var unit in group)
                {
                    unit.Execute(session);
                }
                session.Commit();
            }
            ServerMetrics.GroupCommitted(group.Count);
            foreach (var unit in group)
            {
                unit.Complete();
            }
        }
        catch (Exception e) when (group.Count > 1)
        {
            ServerLog.GroupCommitFailed(_logger, group.Count, e);
            foreach (var unit in group)
            {
                Commit([unit]);
            }
        }
        catch (Exception e)
        {
            group[0].Fail(e);
        }
    }

    private interface IUnit
    {
        string? Chain { get; }
        void Execute(IStoreSession session);
        void Complete();
        void Fail(Exception exception);
    }

    private sealed class Unit<T>(Func<IStoreSession, T> work, string? chain) : IUnit
    {
        private T? _result;

        public string? Chain => chain;

        // Continuations must not run on the writer thread: it would stop committing meanwhile.
        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Execute(IStoreSession session) => _result = work(session);

        public void Complete() => Completion.SetResult(_result!);

        public void Fail(Exception exception) => Completion.SetException(exception);
    }
}
