using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CodeSigning.Server.Ca;
using CodeSigning.Server.Keys;

namespace CodeSigning.Server.Timestamping;

/// <summary>
/// What signing one token needs, made once per TSA certificate: the certificate, its chain up to
/// the internal root (sent when a request sets certReq), the vault key as an <see cref="ECDsa"/>,
/// and the signing-certificate-v2 attribute (RFC 5816) that binds the token to the certificate.
/// </summary>
internal sealed class TimestampSigningKey
{
    private const string SigningCertificateV2Oid = "1.2.840.113549.1.9.16.2.47";

    public TimestampSigningKey(TimestampAuthorityIdentity identity, CaMaterial ca, IKeyVault vault)
    {
        Certificate = X509CertificateLoader.LoadCertificate(identity.Certificate);
        Chain = [X509CertificateLoader.LoadCertificate(ca.IssuingCertificate), X509CertificateLoader.LoadCertificate(ca.RootCertificate)];
        Key = new VaultECDsa(vault, identity.KeyReference, Certificate.PublicKey.ExportSubjectPublicKeyInfo());
        SigningCertificateAttribute = new AsnEncodedData(SigningCertificateV2Oid, EncodeSigningCertificateV2(Certificate));
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>Issuing CA, then root.</summary>
    public X509Certificate2Collection Chain { get; }

    public VaultECDsa Key { get; }

    public AsnEncodedData SigningCertificateAttribute { get; }

    /// <summary>The DER certificate this key was made for, to notice a rotation.</summary>
    public ReadOnlySpan<byte> CertificateDer => Certificate.RawData;

    // The library has no writer for this attribute. SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF
    // ESSCertIDv2 }; ESSCertIDv2 ::= SEQUENCE { hashAlgorithm DEFAULT sha256 (omitted), certHash OCTET STRING,
    // issuerSerial SEQUENCE { issuer GeneralNames (directoryName [4]), serialNumber INTEGER } }.
    private static byte[] EncodeSigningCertificateV2(X509Certificate2 certificate)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        using (writer.PushSequence())
        using (writer.PushSequence())
        {
            writer.WriteOctetString(SHA256.HashData(certificate.RawData));
            using (writer.PushSequence())
            {
                using (writer.PushSequence())
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 4, isConstructed: true)))
                {
                    writer.WriteEncodedValue(certificate.IssuerName.RawData);
                }
                writer.WriteInteger(certificate.SerialNumberBytes.Span);
            }
        }
        return writer.Encode();
    }
}
