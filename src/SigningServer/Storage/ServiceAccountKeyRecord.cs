namespace CodeSigning.Server.Storage;

/// <summary>A public key a service account signs its assertions with.</summary>
public sealed record ServiceAccountKeyRecord(string KeyId, string ServiceAccountId, string Algorithm, byte[] PublicKey, string Fingerprint, DateTimeOffset CreatedAt);
