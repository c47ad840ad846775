using System.Security.Cryptography;
using CodeSigning.V1;
using Net.Pkcs11Interop.Common;

namespace CodeSigning.Bench;

/// <summary>One key type of the matrix, with what each path needs to sign a SHA-256 digest with it.</summary>
/// <param name="Id">A short name for labels and file names.</param>
public sealed record BenchAlgorithm(string Id, string Name, KeyAlgorithm KeyAlgorithm, int RsaBits, ECCurve? Curve, byte[] EcParameters)
{
    public static readonly BenchAlgorithm Rsa2048 = new("rsa2048", "RSA-2048", KeyAlgorithm.Rsa2048, 2048, null, []);
    public static readonly BenchAlgorithm Rsa3072 = new("rsa3072", "RSA-3072", KeyAlgorithm.Rsa3072, 3072, null, []);

    // DER OIDs for CKA_EC_PARAMS: prime256v1 (1.2.840.10045.3.1.7) and secp384r1 (1.3.132.0.34).
    public static readonly BenchAlgorithm EcP256 = new("p256", "EC P-256", KeyAlgorithm.EcP256, 0, ECCurve.NamedCurves.nistP256,
        [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07]);
    public static readonly BenchAlgorithm EcP384 = new("p384", "EC P-384", KeyAlgorithm.EcP384, 0, ECCurve.NamedCurves.nistP384,
        [0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22]);

    public static readonly IReadOnlyList<BenchAlgorithm> All = [Rsa2048, Rsa3072, EcP256, EcP384];

    // DER DigestInfo header for SHA-256: what CKM_RSA_PKCS expects in front of the digest.
    private static readonly byte[] Sha256DigestInfoPrefix =
        [0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20];

    /// <summary>The digest every path signs: SHA-256 of a fixed message.</summary>
    public static readonly byte[] Digest = SHA256.HashData("CodeSigning benchmark message"u8);

    public bool IsRsa => RsaBits > 0;

    /// <summary>The single-part mechanism over a caller-built input (the prehashed case).</summary>
    public CKM PrehashedMechanism => IsRsa ? CKM.CKM_RSA_PKCS : CKM.CKM_ECDSA;

    /// <summary>The hash-and-sign mechanism that hashes across C_SignUpdate.</summary>
    public CKM HashAndSignMechanism => IsRsa ? CKM.CKM_SHA256_RSA_PKCS : CKM.CKM_ECDSA_SHA256;

    /// <summary>What C_Sign gets with <see cref="PrehashedMechanism"/>: a DigestInfo for RSA, the bare digest for ECDSA.</summary>
    public byte[] PrehashedInput => IsRsa ? [.. Sha256DigestInfoPrefix, .. Digest] : Digest;

    public SignatureScheme Scheme => IsRsa ? SignatureScheme.RsaPkcs1V15 : SignatureScheme.Ecdsa;

    /// <summary>A new key of this type for the in-process path.</summary>
    public AsymmetricAlgorithm CreateKey() => IsRsa ? RSA.Create(RsaBits) : ECDsa.Create(Curve!.Value);
}
