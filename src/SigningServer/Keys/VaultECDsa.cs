using System.Security.Cryptography;
using CodeSigning.V1;

namespace CodeSigning.Server.Keys;

/// <summary>
/// An <see cref="ECDsa"/> whose private key stays in a vault, so that library code that signs with an
/// <see cref="AsymmetricAlgorithm"/> (a <c>CmsSigner</c>) uses a vault key: each signature is one
/// <see cref="IKeyVault.SignDigest"/> call. Verification uses the public key.
/// </summary>
public sealed class VaultECDsa : ECDsa
{
    private readonly IKeyVault _vault;
    private readonly byte[] _keyReference;
    private readonly ECDsa _publicKey;

    /// <param name="publicKeySpki">DER SubjectPublicKeyInfo of the vault key (P-256 or P-384).</param>
    public VaultECDsa(IKeyVault vault, byte[] keyReference, byte[] publicKeySpki)
    {
        _vault = vault;
        _keyReference = keyReference;
        _publicKey = Create();
        _publicKey.ImportSubjectPublicKeyInfo(publicKeySpki, out _);
        KeySizeValue = _publicKey.KeySize;
        LegalKeySizesValue = [new KeySizes(KeySizeValue, KeySizeValue, 0)];
    }

    /// <summary>Signs a SHA-256/384/512 digest (told apart by length) in the vault; IEEE P1363 r||s.</summary>
    public override byte[] SignHash(byte[] hash)
    {
        var digestAlgorithm = hash.Length switch
        {
            32 => DigestAlgorithm.Sha256,
            48 => DigestAlgorithm.Sha384,
            64 => DigestAlgorithm.Sha512,
            _ => throw new CryptographicException($"A {hash.Length}-byte digest is not SHA-256, SHA-384 or SHA-512."),
        };
        return _vault.SignDigest(_keyReference, SignatureScheme.Ecdsa, digestAlgorithm, hash);
    }

    public override bool VerifyHash(byte[] hash, byte[] signature) => _publicKey.VerifyHash(hash, signature);

    public override ECParameters ExportParameters(bool includePrivateParameters) =>
        includePrivateParameters ? throw new CryptographicException("The private key stays in its vault.") : _publicKey.ExportParameters(false);

    public override void ImportParameters(ECParameters parameters) => throw new NotSupportedException("A vault key cannot be replaced.");

    public override void GenerateKey(ECCurve curve) => throw new NotSupportedException("A vault key cannot be replaced.");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _publicKey.Dispose();
        }
        base.Dispose(disposing);
    }
}
