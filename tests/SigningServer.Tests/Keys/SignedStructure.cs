using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CodeSigning.Server.Tests.Keys;

/// <summary>
/// A certificate or CSR split into what was signed, the algorithm identifier and the signature,
/// so tests can check the signature with the public key independently of chain building.
/// </summary>
public sealed record SignedStructure(byte[] Signed, byte[] AlgorithmIdentifier, byte[] Signature)
{
    public static SignedStructure Parse(byte[] der)
    {
        var outer = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        var signed = outer.ReadEncodedValue().ToArray();
        var algorithm = outer.ReadEncodedValue().ToArray();
        var signature = outer.ReadBitString(out _);
        outer.ThrowIfNotEmpty();
        return new SignedStructure(signed, algorithm, signature);
    }

    public string AlgorithmOid => new AsnReader(AlgorithmIdentifier, AsnEncodingRules.DER).ReadSequence().ReadObjectIdentifier();

    /// <summary>Verifies as X.509 does: RSA PKCS#1 v1.5, or ECDSA with a strict DER signature.</summary>
    public bool VerifiesWith(byte[] publicKeySpki, HashAlgorithmName hash)
    {
        var key = PublicKey.CreateFromSubjectPublicKeyInfo(publicKeySpki, out _);
        using var rsa = key.GetRSAPublicKey();
        if (rsa is not null)
        {
            return rsa.VerifyData(Signed, Signature, hash, RSASignaturePadding.Pkcs1);
        }
        using var ecdsa = key.GetECDsaPublicKey()!;
        return IsStrictDerSequence(Signature) && ecdsa.VerifyData(Signed, Signature, hash, DSASignatureFormat.Rfc3279DerSequence);
    }

    private static bool IsStrictDerSequence(byte[] signature)
    {
        try
        {
            var sequence = new AsnReader(signature, AsnEncodingRules.DER).ReadSequence();
            sequence.ReadInteger();
            sequence.ReadInteger();
            sequence.ThrowIfNotEmpty();
            return true;
        }
        catch (AsnContentException)
        {
            return false;
        }
    }
}
