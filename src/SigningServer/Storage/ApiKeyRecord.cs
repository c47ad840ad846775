namespace CodeSigning.Server.Storage;

/// <summary>An API key: only the salted hash of its secret is kept.</summary>
public sealed record ApiKeyRecord(
    string Id, string UserId, string UserName, string Description, byte[] Salt, byte[] Hash,
    DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? LastUsedAt, bool Revoked);
