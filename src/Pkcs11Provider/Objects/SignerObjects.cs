using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CodeSigning.Pkcs11.Cryptoki;
using CodeSigning.Pkcs11.Tokens;

namespace CodeSigning.Pkcs11.Objects;

/// <summary>
/// The objects of one Signer's token: the private key (index 0), the public key (1) and every
/// certificate of the chain (2.., leaf first). Key and leaf share one short CKA_ID and the Signer's
/// name as label, which is how SunPKCS11 and libp11 pair them.
/// </summary>
public static class SignerObjects
{
    private static readonly byte[] True = [1];
    private static readonly byte[] False = [0];

    /// <summary>Private parts a caller might ask for; they exist but are never revealed.</summary>
    private static readonly HashSet<ulong> SensitiveKeyParts =
    [
        CKA.CKA_VALUE, CKA.CKA_PRIVATE_EXPONENT, CKA.CKA_PRIME_1, CKA.CKA_PRIME_2,
        CKA.CKA_EXPONENT_1, CKA.CKA_EXPONENT_2, CKA.CKA_COEFFICIENT,
    ];

    public static IReadOnlyList<TokenObject> Build(SignerSnapshot signer, ObjectHandles handles)
    {
        var id = KeyId(signer.Key.SubjectPublicKeyInfo);
        var label = System.Text.Encoding.UTF8.GetBytes(signer.Name);
        var subject = signer.CertificateChain.Count > 0 ? X509CertificateLoader.LoadCertificate(signer.CertificateChain[0]).SubjectName.RawData : [];
        var keyType = CkUlong.Encode(signer.Key.KeyType);

        var common = new Dictionary<ulong, byte[]>
        {
            [CKA.CKA_TOKEN] = True,
            [CKA.CKA_MODIFIABLE] = False,
            [CKA.CKA_COPYABLE] = False,
            [CKA.CKA_DESTROYABLE] = False,
            [CKA.CKA_LABEL] = label,
            [CKA.CKA_ID] = id,
            [CKA.CKA_KEY_TYPE] = keyType,
            [CKA.CKA_SUBJECT] = subject,
            [CKA.CKA_LOCAL] = True,
            [CKA.CKA_DERIVE] = False,
        };

        var privateKey = new Dictionary<ulong, byte[]>(common)
        {
            [CKA.CKA_CLASS] = CkUlong.Encode(CKO.CKO_PRIVATE_KEY),
            [CKA.CKA_PRIVATE] = True,
            [CKA.CKA_SIGN] = True,
            [CKA.CKA_SIGN_RECOVER] = False,
            [CKA.CKA_DECRYPT] = False,
            [CKA.CKA_UNWRAP] = False,
            [CKA.CKA_SENSITIVE] = True,
            [CKA.CKA_ALWAYS_SENSITIVE] = True,
            [CKA.CKA_EXTRACTABLE] = False,
            [CKA.CKA_NEVER_EXTRACTABLE] = True,
            [CKA.CKA_ALWAYS_AUTHENTICATE] = False,
            [CKA.CKA_WRAP_WITH_TRUSTED] = False,
        };
        foreach (var (type, value) in signer.Key.PublicAttributes(publicKeyObject: false))
        {
            privateKey[type] = value;
        }

        var publicKey = new Dictionary<ulong, byte[]>(common)
        {
            [CKA.CKA_CLASS] = CkUlong.Encode(CKO.CKO_PUBLIC_KEY),
            [CKA.CKA_PRIVATE] = False,
            [CKA.CKA_VERIFY] = True,
            [CKA.CKA_VERIFY_RECOVER] = False,
            [CKA.CKA_ENCRYPT] = False,
            [CKA.CKA_WRAP] = False,
            [CKA.CKA_TRUSTED] = False,
        };
        foreach (var (type, value) in signer.Key.PublicAttributes(publicKeyObject: true))
        {
            publicKey[type] = value;
        }

        var objects = new List<TokenObject>
        {
            new(handles.For(signer.Id, 0), CKO.CKO_PRIVATE_KEY, privateKey, SensitiveKeyParts),
            new(handles.For(signer.Id, 1), CKO.CKO_PUBLIC_KEY, publicKey),
        };
        for (var i = 0; i < signer.CertificateChain.Count; i++)
        {
            objects.Add(Certificate(handles.For(signer.Id, 2 + i), signer.CertificateChain[i], i == 0 ? label : null, i == 0 ? id : null));
        }

        return objects;
    }

    /// <summary>A short CKA_ID: the first 8 bytes of SHA-256 over the SubjectPublicKeyInfo.</summary>
    public static byte[] KeyId(byte[] subjectPublicKeyInfo) => SHA256.HashData(subjectPublicKeyInfo)[..8];

    private static TokenObject Certificate(ulong handle, byte[] der, byte[]? label, byte[]? id)
    {
        using var certificate = X509CertificateLoader.LoadCertificate(der);
        var serial = new AsnWriter(AsnEncodingRules.DER);
        serial.WriteInteger(certificate.SerialNumberBytes.Span);
        var leaf = id is not null;
        var attributes = new Dictionary<ulong, byte[]>
        {
            [CKA.CKA_CLASS] = CkUlong.Encode(CKO.CKO_CERTIFICATE),
            [CKA.CKA_TOKEN] = True,
            [CKA.CKA_PRIVATE] = False,
            [CKA.CKA_MODIFIABLE] = False,
            [CKA.CKA_COPYABLE] = False,
            [CKA.CKA_DESTROYABLE] = False,
            [CKA.CKA_LABEL] = label ?? System.Text.Encoding.UTF8.GetBytes(certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false)),
            [CKA.CKA_ID] = id ?? KeyId(certificate.PublicKey.ExportSubjectPublicKeyInfo()),
            [CKA.CKA_CERTIFICATE_TYPE] = CkUlong.Encode(CKC.CKC_X_509),
            [CKA.CKA_CERTIFICATE_CATEGORY] = CkUlong.Encode(leaf ? CKC.CK_CERTIFICATE_CATEGORY_TOKEN_USER : CKC.CK_CERTIFICATE_CATEGORY_AUTHORITY),
            [CKA.CKA_TRUSTED] = False,
            [CKA.CKA_CHECK_VALUE] = SHA1.HashData(der)[..3],
            [CKA.CKA_SUBJECT] = certificate.SubjectName.RawData,
            [CKA.CKA_ISSUER] = certificate.IssuerName.RawData,
            [CKA.CKA_SERIAL_NUMBER] = serial.Encode(),
            [CKA.CKA_VALUE] = der,
            [CKA.CKA_PUBLIC_KEY_INFO] = certificate.PublicKey.ExportSubjectPublicKeyInfo(),
        };
        return new TokenObject(handle, CKO.CKO_CERTIFICATE, attributes);
    }
}
