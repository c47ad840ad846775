namespace CodeSigning.Server.Storage;

/// <param name="RequestId">Null for a pre-approval.</param>
public sealed record GrantRecord(
    string Id, string SignerId, Principal Grantee, long Allowed, long Used,
    DateTimeOffset NotBefore, DateTimeOffset NotAfter, string? RequestId, Principal GrantedBy, bool Revoked)
{
    public bool IsLive(DateTimeOffset now) => !Revoked && Used < Allowed && now >= NotBefore && now < NotAfter;
}
