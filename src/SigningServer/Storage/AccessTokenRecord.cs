namespace CodeSigning.Server.Storage;

/// <summary>A short-lived access token issued to a service account: only the salted hash is kept.</summary>
public sealed record AccessTokenRecord(string Id, string ServiceAccountId, byte[] Salt, byte[] Hash, DateTimeOffset ExpiresAt);
