using CodeSigning.Server.Storage;

namespace CodeSigning.Server.Timestamping;

/// <summary>
/// Timestamp serial numbers, unique across restarts and replicas: each server takes a block from the
/// store's counter in one write transaction and hands its numbers out in memory. A block's unused
/// rest is lost at a restart; RFC 3161 asks serials to be unique, not consecutive.
/// </summary>
public sealed class SerialNumberAllocator(IStore store)
{
    public const string CounterName = "timestamp.serial";

    /// <summary>One store write per this many timestamps.</summary>
    internal const int BlockSize = 100;

    private readonly Lock _gate = new();
    private long _next = 1;
    private long _end;

    public long Next()
    {
        lock (_gate)
        {
            if (_next > _end)
            {
                using var session = store.Begin();
                _end = session.AddToCounter(CounterName, BlockSize);
                session.Commit();
                _next = _end - BlockSize + 1;
            }
            return _next++;
        }
    }
}
