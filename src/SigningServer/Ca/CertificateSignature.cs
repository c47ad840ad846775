using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CodeSigning.Server.Ca;

/// <summary>Checks that one certificate's signature was made by another certificate's key.</summary>
internal static class CertificateSignature
{
    /// <exception cref="CertificateImportException">The certificate uses a signature algorithm the server does not verify.</exception>
    public static bool IsSignedBy(X509Certificate2 certificate, X509Certificate2 issuer)
    {
        var (signed, algorithmOid, signature) = Split(certificate.RawData);
        var (hash, isRsa) = algorithmOid switch
        {
            "1.2.840.113549.1.1.11" => (HashAlgorithmName.SHA256, true),
            "1.2.840.113549.1.1.12" => (HashAlgorithmName.SHA384, true),
            "1.2.840.113549.1.1.13" => (HashAlgorithmName.SHA512, true),
            "1.2.840.10045.4.3.2" => (HashAlgorithmName.SHA256, false),
            "1.2.840.10045.4.3.3" => (HashAlgorithmName.SHA384, false),
            "1.2.840.10045.4.3.4" => (HashAlgorithmName.SHA512, false),
            _ => throw new CertificateImportException(
                $"'{certificate.Subject}' is signed with algorithm {algorithmOid}; only RSA PKCS#1 v1.5 and ECDSA with SHA-256/384/512 are accepted. Ask the CA for a SHA-2 certificate."),
        };
        if (isRsa)
        {
            using var rsa = issuer.GetRSAPublicKey();
            return rsa is not null && rsa.VerifyData(signed, signature, hash, RSASignaturePadding.Pkcs1);
        }
        using var ecdsa = issuer.GetECDsaPublicKey();
        return ecdsa is not null && ecdsa.VerifyData(signed, signature, hash, DSASignatureFormat.Rfc3279DerSequence);
    }

    // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm AlgorithmIdentifier, signatureValue BIT STRING }
    private static (byte[] Signed, string AlgorithmOid, byte[] Signature) Split(byte[] der)
    {
        var certificate = new AsnReader(der, AsnEncodingRules.BER).ReadSequence();
        var signed = certificate.ReadEncodedValue().ToArray();
        var algorithmOid = certificate.ReadSequence().ReadObjectIdentifier();
        var signature = certificate.ReadBitString(out _);
        return (signed, algorithmOid, signature);
    }
}
