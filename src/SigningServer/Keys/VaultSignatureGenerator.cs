using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CodeSigning.V1;

namespace CodeSigning.Server.Keys;

/// <summary>
/// Lets <see cref="CertificateRequest"/> sign certificates and CSRs with a key that stays in a vault:
/// RSA PKCS#1 v1.5 or ECDSA (DER-encoded, as X.509 requires) over SHA-256/384/512.
/// </summary>
public sealed class VaultSignatureGenerator : X509SignatureGenerator
{
    private readonly IKeyVault _vault;
    private readonly byte[] _keyReference;
    private readonly byte[] _publicKeySpki;
    private readonly bool _isRsa;

    public VaultSignatureGenerator(IKeyVault vault, byte[] keyReference, byte[] publicKeySpki, KeyAlgorithm algorithm)
    {
        _vault = vault;
        _keyReference = keyReference;
        _publicKeySpki = publicKeySpki;
        _isRsa = algorithm switch
        {
            KeyAlgorithm.Rsa2048 or KeyAlgorithm.Rsa3072 or KeyAlgorithm.Rsa4096 => true,
            _ when KeyAlgorithms.IsEc(algorithm) => false,
            _ => throw new NotSupportedException($"Key algorithm {algorithm} is not supported."),
        };
    }

    protected override PublicKey BuildPublicKey() => PublicKey.CreateFromSubjectPublicKeyInfo(_publicKeySpki, out _);

    public override byte[] GetSignatureAlgorithmIdentifier(HashAlgorithmName hashAlgorithm)
    {
        var (rsaOid, ecdsaOid) = hashAlgorithm.Name switch
        {
            "SHA256" => ("1.2.840.113549.1.1.11", "1.2.840.10045.4.3.2"),
            "SHA384" => ("1.2.840.113549.1.1.12", "1.2.840.10045.4.3.3"),
            "SHA512" => ("1.2.840.113549.1.1.13", "1.2.840.10045.4.3.4"),
            _ => throw new NotSupportedException($"Hash algorithm {hashAlgorithm.Name} is not supported for certificates."),
        };
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(_isRsa ? rsaOid : ecdsaOid);
            // RFC 4055: sha*WithRSAEncryption carries explicit NULL parameters; RFC 5758: ecdsa-with-SHA* carries none.
            if (_isRsa)
            {
                writer.WriteNull();
            }
        }
        return writer.Encode();
    }

    public override byte[] SignData(byte[] data, HashAlgorithmName hashAlgorithm)
    {
        var digestAlgorithm = hashAlgorithm.Name switch
        {
            "SHA256" => DigestAlgorithm.Sha256,
            "SHA384" => DigestAlgorithm.Sha384,
            "SHA512" => DigestAlgorithm.Sha512,
            _ => throw new NotSupportedException($"Hash algorithm {hashAlgorithm.Name} is not supported for certificates."),
        };
        var digest = CryptographicOperations.HashData(hashAlgorithm, data);
        if (_isRsa)
        {
            return _vault.SignDigest(_keyReference, SignatureScheme.RsaPkcs1V15, digestAlgorithm, digest);
        }
        var signature = _vault.SignDigest(_keyReference, SignatureScheme.Ecdsa, digestAlgorithm, digest);
        return ToDer(signature);
    }

    /// <summary>IEEE P1363 r||s to the X.509 Ecdsa-Sig-Value SEQUENCE { r INTEGER, s INTEGER }.</summary>
    private static byte[] ToDer(ReadOnlySpan<byte> p1363)
    {
        var half = p1363.Length / 2;
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteIntegerUnsigned(Minimal(p1363[..half]));
            writer.WriteIntegerUnsigned(Minimal(p1363[half..]));
        }
        return writer.Encode();
    }

    // P1363 halves are left-padded to the curve size; DER integers must not be (about 1 in 256 signatures).
    private static ReadOnlySpan<byte> Minimal(ReadOnlySpan<byte> value)
    {
        var start = 0;
        while (start < value.Length - 1 && value[start] == 0)
        {
            start++;
        }
        return value[start..];
    }
}
