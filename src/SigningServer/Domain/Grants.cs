using CodeSigning.Server.Storage;

namespace CodeSigning.Server.Domain;

/// <summary>
/// A grant's life in one place: its size checked against the policy, made (for an approved request
/// or as a pre-approval), held to the policy in force (which may have been tightened since), consumed
/// one signature at a time, revoked. Storage only persists it.
/// </summary>
public static class Grants
{
    /// <summary>A grant's size (or a signing request's, which becomes one), within the policy's caps.</summary>
    public static (long Count, TimeSpan Window) CheckSize(PolicyRecord? policy, long count, Google.Protobuf.WellKnownTypes.Duration? window,
        string countField, string windowField)
    {
        if (count < 1)
        {
            throw ServiceException.InvalidArgument(countField, $"{countField} must be at least 1");
        }
        if (policy is { MaxSignaturesPerGrant: > 0 } && count > policy.MaxSignaturesPerGrant)
        {
            throw ServiceException.InvalidArgument(countField, $"{countField} exceeds the policy's cap of {policy.MaxSignaturesPerGrant} signatures per grant");
        }
        var span = window?.ToTimeSpan() ?? TimeSpan.Zero;
        if (span <= TimeSpan.Zero)
        {
            throw ServiceException.InvalidArgument(windowField, $"{windowField} must be a positive duration");
        }
        if (policy is not null && policy.MaxGrantWindow > TimeSpan.Zero && span > policy.MaxGrantWindow)
        {
            throw ServiceException.InvalidArgument(windowField, $"{windowField} exceeds the policy's cap of {policy.MaxGrantWindow}");
        }
        return (count, span);
    }

    /// <summary>Makes and stores a grant of <paramref name="count"/> signatures from <paramref name="now"/> for <paramref name="window"/>.</summary>
    /// <param name="requestId">The approved signing request; null for a pre-approval.</param>
    public static GrantRecord Create(IStoreSession session, string signerId, Principal grantee, long count, DateTimeOffset now, TimeSpan window,
        string? requestId, Principal grantedBy)
    {
        var grant = new GrantRecord(Guid.CreateVersion7().ToString("N"), signerId, grantee, count, 0, now, now + window, requestId, grantedBy, false);
        session.InsertGrant(grant);
        return grant;
    }

    /// <summary>Usable now: not revoked, not spent, within its window, and within the caps of <paramref name="policy"/> when one is in force.</summary>
    public static bool IsLive(GrantRecord grant, PolicyRecord? policy, DateTimeOffset now) =>
        !grant.Revoked && grant.Used < UsableUnits(grant, policy) && now >= grant.NotBefore && now < Deadline(grant, policy);

    /// <summary>The caller's grants on the Signer that are live under the policy in force.</summary>
    public static IEnumerable<GrantRecord> LiveFor(IStoreSession session, string signerId, string granteeId, PolicyRecord policy, DateTimeOffset now) =>
        session.ListGrants(signerId).Where(g => g.Grantee.Id == granteeId && IsLive(g, policy, now));

    /// <summary>
    /// Takes one signature of the grant in one conditional row update, which re-checks everything
    /// that can change (revoked, used) and the limits of the policy in force: no lock is needed for
    /// two writers never to take the same last unit. False, and nothing changed, when it is no longer live.
    /// </summary>
    public static bool TryConsume(IStoreSession session, GrantRecord grant, PolicyRecord policy, DateTimeOffset now) =>
        session.TryConsumeGrant(grant.Id, UsableUnits(grant, policy), now, Deadline(grant, policy));

    /// <summary>Signatures left under the policy in force, before the one being made.</summary>
    public static long Remaining(GrantRecord grant, PolicyRecord policy) => UsableUnits(grant, policy) - grant.Used;

    public static GrantRecord Revoke(IStoreSession session, GrantRecord grant)
    {
        session.RevokeGrant(grant.Id);
        return grant with { Revoked = true };
    }

    private static long UsableUnits(GrantRecord grant, PolicyRecord? policy) =>
        policy is { MaxSignaturesPerGrant: > 0 } ? Math.Min(grant.Allowed, policy.MaxSignaturesPerGrant) : grant.Allowed;

    private static DateTimeOffset Deadline(GrantRecord grant, PolicyRecord? policy) =>
        policy is not null && policy.MaxGrantWindow > TimeSpan.Zero && grant.NotBefore + policy.MaxGrantWindow < grant.NotAfter
            ? grant.NotBefore + policy.MaxGrantWindow
            : grant.NotAfter;
}
