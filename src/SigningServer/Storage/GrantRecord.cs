namespace CodeSigning.Server.Storage;

/// <summary>A grant as stored; the Grants class of the domain layer owns its life (creation, liveness under the policy in force, consumption).</summary>
/// <param name="RequestId">Null for a pre-approval.</param>
public sealed record GrantRecord(
    string Id, string SignerId, Principal Grantee, long Allowed, long Used,
    DateTimeOffset NotBefore, DateTimeOffset NotAfter, string? RequestId, Principal GrantedBy, bool Revoked);
