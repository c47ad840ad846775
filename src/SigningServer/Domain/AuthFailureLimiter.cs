using System.Collections.Concurrent;
using CodeSigning.Server.Audit;
using CodeSigning.V1;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace CodeSigning.Server.Domain;

/// <summary>
/// Counts failed authentications per remote address over a sliding minute. In memory: a
/// guesser that hops between replicas only gains the number of replicas. The first refusal of a
/// lockout is audited (auth.rate_limited) and logged; the ones after it are not, so a guesser
/// cannot fill the audit log.
/// </summary>
public sealed class AuthFailureLimiter(int failuresPerMinute, Operations operations, ILogger<AuthFailureLimiter> logger)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, Failures> _failures = new();

    /// <summary>Refuses an address that failed too often in the last minute, before its credential is even looked at.</summary>
    public void ThrowIfLimited(string remoteAddress, DateTimeOffset now)
    {
        if (!_failures.TryGetValue(remoteAddress, out var failures))
        {
            return;
        }
        bool firstRefusal;
        lock (failures)
        {
            failures.Prune(now);
            if (failures.Times.Count < failuresPerMinute)
            {
                failures.LockoutAudited = false;
                return;
            }
            firstRefusal = !failures.LockoutAudited;
            failures.LockoutAudited = true;
        }
        if (firstRefusal)
        {
            ServerLog.AddressRateLimited(logger, remoteAddress, failuresPerMinute);
            var entry = new AuditEntry("auth.rate_limited", AuditOutcome.Denied, null, AuditClient.None, remoteAddress) { Reason = ProtoNames.Of(ErrorReason.RateLimited) };
            entry.Details["failures_per_minute"] = failuresPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture);
            operations.Record(entry);
        }
        throw new ServiceException(StatusCode.ResourceExhausted, ErrorReason.RateLimited,
            "too many failed authentications from this address; retry in a minute");
    }

    public void RecordFailure(string remoteAddress, DateTimeOffset now)
    {
        var failures = _failures.GetOrAdd(remoteAddress, _ => new Failures());
        lock (failures)
        {
            failures.Prune(now);
            failures.Times.Enqueue(now);
        }
    }

    private sealed class Failures
    {
        public Queue<DateTimeOffset> Times { get; } = new();

        /// <summary>Whether the current lockout's first refusal was already audited.</summary>
        public bool LockoutAudited { get; set; }

        public void Prune(DateTimeOffset now)
        {
            while (Times.Count > 0 && now - Times.Peek() >= Window)
            {
                Times.Dequeue();
            }
        }
    }
}
