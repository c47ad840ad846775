using System.Collections.Concurrent;
using CodeSigning.V1;
using Grpc.Core;

namespace CodeSigning.Server.Domain;

/// <summary>
/// Counts failed authentications per remote address over a sliding minute. In memory: a
/// guesser that hops between replicas only gains the number of replicas.
/// </summary>
public sealed class AuthFailureLimiter(int failuresPerMinute)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _failures = new();

    /// <summary>Refuses an address that failed too often in the last minute, before its credential is even looked at.</summary>
    public void ThrowIfLimited(string remoteAddress, DateTimeOffset now)
    {
        if (!_failures.TryGetValue(remoteAddress, out var times))
        {
            return;
        }
        lock (times)
        {
            Prune(times, now);
            if (times.Count >= failuresPerMinute)
            {
                throw new ServiceException(StatusCode.ResourceExhausted, ErrorReason.RateLimited,
                    "too many failed authentications from this address; retry in a minute");
            }
        }
    }

    public void RecordFailure(string remoteAddress, DateTimeOffset now)
    {
        var times = _failures.GetOrAdd(remoteAddress, _ => new Queue<DateTimeOffset>());
        lock (times)
        {
            Prune(times, now);
            times.Enqueue(now);
        }
    }

    private static void Prune(Queue<DateTimeOffset> times, DateTimeOffset now)
    {
        while (times.Count > 0 && now - times.Peek() >= Window)
        {
            times.Dequeue();
        }
    }
}
