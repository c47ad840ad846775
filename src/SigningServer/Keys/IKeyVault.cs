using CodeSigning.V1;

namespace CodeSigning.Server.Keys;

/// <summary>
/// Where Signer (and CA) private keys live. A key never leaves its vault: callers hold only an
/// opaque key reference, which the store keeps beside the Signer.
/// </summary>
public interface IKeyVault
{
    /// <summary>A short name for the audit log and the docs ("software", "pkcs11").</summary>
    string Kind { get; }

    /// <summary>Generates a key pair inside the vault.</summary>
    /// <param name="label">Names the key where the vault can show it (an HSM's CKA_LABEL).</param>
    VaultKey Generate(KeyAlgorithm algorithm, string label);

    /// <summary>Destroys a key generated for a Signer that was then refused, so a refusal leaves nothing behind.</summary>
    void Discard(ReadOnlySpan<byte> keyReference);

    /// <summary>
    /// Signs a digest computed elsewhere. The caller has already checked that the scheme fits the
    /// key and that the digest length fits the digest algorithm. ECDSA returns r||s (IEEE P1363,
    /// each half left-padded to the curve size), never DER.
    /// </summary>
    byte[] SignDigest(ReadOnlySpan<byte> keyReference, SignatureScheme scheme, DigestAlgorithm digestAlgorithm, ReadOnlySpan<byte> digest);

    /// <summary>For <c>/readyz</c>: a cheap real round trip to where the keys live; throws when it cannot be reached.</summary>
    void Probe();
}
