namespace CodeSigning.Server.Storage;

/// <summary>An API key: only the salted hash of its secret is kept.</summary>
/// <param name="CreatedByKeyId">The API key that created this one (null when made by init or recovery): revoking it revokes this one.</param>
public sealed record ApiKeyRecord(
    string Id, string UserId, string UserName, string Description, byte[] Salt, byte[] Hash,
    DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? LastUsedAt, bool Revoked, string? CreatedByKeyId);
