using System.Collections.Concurrent;
using CodeSigning.Server.Audit;
using CodeSigning.Server.Domain;
using CodeSigning.Server.Storage;
using CodeSigning.V1;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace CodeSigning.Server.Auth;

/// <summary>
/// Counts failed authentications over a sliding minute, per remote address and per claimed
/// credential (API key or token id, or the client id an assertion claims). Once either is over the
/// limit, the next failures are answered RATE_LIMITED instead of their reason: only the first of a
/// lockout is audited (auth.rate_limited) and logged, so a guesser cannot fill the audit log nor
/// learn why a guess failed. A valid credential is never refused: behind a NAT, one client failing
/// must not lock out the others, and whoever knows a key id or client name must not lock out its
/// holder. (The secrets carry 256 bits and assertions are signatures: there is nothing to slow down
/// guessing for; the limit keeps the log useful.) In memory: per replica.
/// </summary>
public sealed class AuthFailureLimiter(int failuresPerMinute, Operations operations, ILogger<AuthFailureLimiter> logger)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    // Claimed ids are attacker-chosen: forget idle ones so that random ids cannot grow the table.
    private const int SweepEvery = 1024;
    private readonly ConcurrentDictionary<string, Failures> _failures = new(StringComparer.Ordinal);
    private int _recorded;

    /// <summary>
    /// What a refused credential is answered with: past the limit, the RATE_LIMITED refusal; else the
    /// failure itself, logged and audited as auth.failed with what the caller claimed to be.
    /// </summary>
    /// <param name="claim">The detail naming the claimed credential (credential_id, claimed_client_id); its value is empty when it could not be read.</param>
    public ServiceException Refuse(ServiceException failure, string remoteAddress, Principal? actor, (string Key, string Value) claim, DateTimeOffset now)
    {
        if (OnFailure(remoteAddress, claim.Value, now) is { } limited)
        {
            return limited;
        }
        ServerLog.AuthenticationFailed(logger, remoteAddress, failure.ReasonName);
        var entry = new AuditEntry(AuditEventTypes.AuthFailed, AuditOutcome.Denied, actor, AuditClient.None, remoteAddress) { Reason = failure.ReasonName };
        if (claim.Value.Length > 0)
        {
            entry.Details[claim.Key] = claim.Value;
        }
        operations.Record(entry);
        return failure;
    }

    /// <summary>
    /// Counts a failure; returns the RATE_LIMITED refusal to answer instead of it when the address
    /// or the claimed credential was already over the limit, else null (answer the failure itself).
    /// </summary>
    /// <param name="claimedId">The credential id the caller presented, unverified; empty when it could not be read.</param>
    private ServiceException? OnFailure(string remoteAddress, string claimedId, DateTimeOffset now)
    {
        var byAddress = Count("address:" + remoteAddress, now);
        var byCredential = claimedId.Length > 0 ? Count("credential:" + claimedId, now) : null;
        var lockout = byAddress.Limited ? byAddress : byCredential is { Limited: true } ? byCredential : null;
        if (Interlocked.Increment(ref _recorded) % SweepEvery == 0)
        {
            Sweep(now);
        }
        if (lockout is null)
        {
            return null;
        }
        var limitedBy = ReferenceEquals(lockout, byAddress) ? "address" : "credential";
        if (lockout.FirstRefusal)
        {
            ServerLog.AuthenticationRateLimited(logger, remoteAddress, limitedBy, claimedId, failuresPerMinute);
            var entry = new AuditEntry(AuditEventTypes.AuthRateLimited, AuditOutcome.Denied, null, AuditClient.None, remoteAddress) { Reason = ProtoNames.Of(ErrorReason.RateLimited) };
            entry.Details["failures_per_minute"] = failuresPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture);
            entry.Details["limited_by"] = limitedBy;
            if (claimedId.Length > 0)
            {
                entry.Details["credential_id"] = claimedId;
            }
            operations.Record(entry);
        }
        return new ServiceException(StatusCode.ResourceExhausted, ErrorReason.RateLimited, limitedBy == "address"
            ? "too many failed authentications from this address; retry in a minute"
            : "too many failed authentications with this credential; retry in a minute");
    }

    private Verdict Count(string key, DateTimeOffset now)
    {
        var failures = _failures.GetOrAdd(key, _ => new Failures());
        lock (failures)
        {
            failures.Prune(now);
            var limited = failures.Times.Count >= failuresPerMinute;
            var first = limited && !failures.LockoutAudited;
            failures.LockoutAudited = limited;
            failures.Times.Enqueue(now);
            // Only "at least the limit" matters: the queue never grows past it.
            while (failures.Times.Count > failuresPerMinute)
            {
                failures.Times.Dequeue();
            }
            return new Verdict(limited, first);
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (key, failures) in _failures)
        {
            lock (failures)
            {
                failures.Prune(now);
                if (failures.Times.Count == 0)
                {
                    _failures.TryRemove(KeyValuePair.Create(key, failures));
                }
            }
        }
    }

    private sealed record Verdict(bool Limited, bool FirstRefusal);

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
