namespace CodeSigning.Server.Storage;

/// <summary>A short-lived access token issued to a service account: only the salted hash is kept.</summary>
/// <param name="KeyId">The registered key whose assertion obtained the token: removing that key revokes it.</param>
public sealed record AccessTokenRecord(string Id, string ServiceAccountId, byte[] Salt, byte[] Hash, DateTimeOffset ExpiresAt, string KeyId, bool Revoked);
