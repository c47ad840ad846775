namespace CodeSigning.Server.Storage;

/// <param name="RequestId">Null for a pre-approval.</param>
public sealed record GrantRecord(
    string Id, string SignerId, Principal Grantee, long Allowed, long Used,
    DateTimeOffset NotBefore, DateTimeOffset NotAfter, string? RequestId, Principal GrantedBy, bool Revoked)
{
    public bool IsLive(DateTimeOffset now) => !Revoked && Used < Allowed && now >= NotBefore && now < NotAfter;

    /// <summary>Live, and within the caps of the policy in force now, which may be tighter than the one it was granted under.</summary>
    public bool IsLiveUnder(PolicyRecord policy, DateTimeOffset now) =>
        IsLive(now)
        && (policy.MaxSignaturesPerGrant == 0 || Used < policy.MaxSignaturesPerGrant)
        && (policy.MaxGrantWindow == TimeSpan.Zero || now < NotBefore + policy.MaxGrantWindow);

    /// <summary>Signatures left under the policy in force, before the one being made.</summary>
    public long RemainingUnder(PolicyRecord policy) =>
        Math.Min(Allowed, policy.MaxSignaturesPerGrant == 0 ? Allowed : policy.MaxSignaturesPerGrant) - Used;
}
