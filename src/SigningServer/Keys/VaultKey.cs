using CodeSigning.V1;

namespace CodeSigning.Server.Keys;

/// <summary>A key generated in a vault.</summary>
/// <param name="KeyReference">Opaque to everyone but the vault (for the software vault: the AES-256-GCM sealed private key).</param>
/// <param name="PublicKey">DER SubjectPublicKeyInfo.</param>
public sealed record VaultKey(byte[] KeyReference, byte[] PublicKey, KeyAlgorithm Algorithm);
