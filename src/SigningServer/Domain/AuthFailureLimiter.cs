using System.Collections.Concurrent;

namespace CodeSigning.Server.Domain;

/// <summary>
/// Counts failed authentications per remote address over a sliding minute. In memory: a
/// guesser that hops between replicas only gains the number of replicas.
/// </summary>
public sealed class AuthFailureLimiter(int failuresPerMinute)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _failures = new();

    public bool IsLimited(string remoteAddress, DateTimeOffset now)
    {
        if (!_failures.TryGetValue(remoteAddress, out var times))
        {
            return false;
        }
        lock (times)
        {
            Prune(times, now);
            return times.Count >= failuresPerMinute;
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
