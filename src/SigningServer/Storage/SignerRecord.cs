using CodeSigning.V1;

namespace CodeSigning.Server.Storage;

/// <param name="KeyReference">The vault's opaque reference to the private key.</param>
/// <param name="KeyVault">The kind of the vault holding the key ("software", "pkcs11").</param>
/// <param name="Chain">DER certificates, leaf first; empty until an external CA's certificate is imported.</param>
/// <param name="PendingCsr">PEM of the outstanding certificate request, if any.</param>
/// <param name="ArchivedAt">Null while the Signer is in service.</param>
public sealed record SignerRecord(
    string Id, string Name, string Description, KeyAlgorithm KeyAlgorithm, bool Enabled,
    CertificateAuthorityKind CertificateAuthority, string Subject, byte[] KeyReference, byte[] PublicKey,
    IReadOnlyList<byte[]> Chain, string? PendingCsr, DateTimeOffset CreatedAt, string KeyVault,
    DateTimeOffset? ArchivedAt = null);
