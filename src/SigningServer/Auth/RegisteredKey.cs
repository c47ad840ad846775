namespace CodeSigning.Server.Auth;

/// <summary>A public key a service account registered for signing its assertions.</summary>
/// <param name="PublicKeySpki">DER SubjectPublicKeyInfo: RSA (2048 bits or more), EC P-256 or EC P-384.</param>
public sealed record RegisteredKey(string KeyId, byte[] PublicKeySpki);
