using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CodeSigning.Pkcs11.Cryptoki;
using CodeSigning.Pkcs11.Objects;

namespace CodeSigning.Pkcs11.Tests;

[Collection(ProviderCollection.Name)]
public sealed class ObjectTests(FakeServerFixture fixture) : ProviderTestBase(fixture)
{
    private static readonly byte[] True = [1];

    [Fact]
    public void Private_key_public_key_and_every_chain_certificate_are_objects()
    {
        Initialize();
        var session = OpenSession(Fixture.Rsa);

        Assert.Single(Find(session, Class(CKO.CKO_PRIVATE_KEY)));
        Assert.Single(Find(session, Class(CKO.CKO_PUBLIC_KEY)));
        var certificates = Find(session, Class(CKO.CKO_CERTIFICATE));
        Assert.Equal(2, certificates.Length);
        Assert.Equal(Fixture.Rsa.Chain[0], Attribute(session, certificates[0], CKA.CKA_VALUE));
        Assert.Equal(Fixture.Rsa.Chain[1], Attribute(session, certificates[1], CKA.CKA_VALUE));
    }

    [Fact]
    public void Key_pair_and_leaf_share_a_short_id_and_the_Signer_name_as_label()
    {
        Initialize();
        var session = OpenSession(Fixture.Rsa);
        var id = Attribute(session, PrivateKey(session), CKA.CKA_ID);

        var withId = Find(session, new TemplateAttribute(CKA.CKA_ID, id));

        Assert.Equal(8, id.Length);
        Assert.Equal(3, withId.Length);
        Assert.All(withId, h => Assert.Equal("rsa-signer"u8.ToArray(), Attribute(session, h, CKA.CKA_LABEL)));
    }

    [Fact]
    public void Rsa_key_attributes_match_the_Signer_key()
    {
        Initialize();
        var session = OpenSession(Fixture.Rsa);
        var parameters = ((RSA)Fixture.Rsa.Key).ExportParameters(false);
        var privateKey = PrivateKey(session);
        var publicKey = PublicKey(session);

        Assert.Equal(parameters.Modulus, Attribute(session, privateKey, CKA.CKA_MODULUS));
        Assert.Equal(parameters.Exponent, Attribute(session, publicKey, CKA.CKA_PUBLIC_EXPONENT));
        Assert.Equal(CkUlong.Encode(2048), Attribute(session, publicKey, CKA.CKA_MODULUS_BITS));
        Assert.Equal(CkUlong.Encode(CKK.CKK_RSA), Attribute(session, privateKey, CKA.CKA_KEY_TYPE));
        Assert.Equal(True, Attribute(session, privateKey, CKA.CKA_SIGN));
        Assert.Equal(True, Attribute(session, privateKey, CKA.CKA_SENSITIVE));
        Assert.Equal(True, Attribute(session, privateKey, CKA.CKA_PRIVATE));
        Assert.Equal([0], Attribute(session, privateKey, CKA.CKA_EXTRACTABLE));
        Assert.Equal(True, Attribute(session, publicKey, CKA.CKA_VERIFY));
    }

    [Fact]
    public void Ec_key_attributes_hold_the_named_curve_and_the_der_point()
    {
        Initialize();
        var session = OpenSession(Fixture.P384);
        var parameters = ((ECDsa)Fixture.P384.Key).ExportParameters(false);

        Assert.Equal([0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22], Attribute(session, PrivateKey(session), CKA.CKA_EC_PARAMS));
        Assert.Equal([0x04, 97, 0x04, .. parameters.Q.X!, .. parameters.Q.Y!], Attribute(session, PublicKey(session), CKA.CKA_EC_POINT));
    }

    [Fact]
    public void P521_point_is_133_bytes_in_a_long_form_der_octet_string()
    {
        Initialize();
        var session = OpenSession(Fixture.P521);
        var parameters = ((ECDsa)Fixture.P521.Key).ExportParameters(false);

        Assert.Equal(66, parameters.Q.X!.Length);
        Assert.Equal([0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x23], Attribute(session, PrivateKey(session), CKA.CKA_EC_PARAMS));
        Assert.Equal([0x04, 0x81, 133, 0x04, .. parameters.Q.X!, .. parameters.Q.Y!], Attribute(session, PublicKey(session), CKA.CKA_EC_POINT));
    }

    [Fact]
    public void Certificate_attributes_are_subject_issuer_and_der_serial()
    {
        Initialize();
        var session = OpenSession(Fixture.P256);
        var leaf = Find(session, Class(CKO.CKO_CERTIFICATE), new TemplateAttribute(CKA.CKA_CERTIFICATE_CATEGORY, CkUlong.Encode(1))).Single();
        using var certificate = X509CertificateLoader.LoadCertificate(Fixture.P256.Chain[0]);

        Assert.Equal(certificate.SubjectName.RawData, Attribute(session, leaf, CKA.CKA_SUBJECT));
        Assert.Equal(certificate.IssuerName.RawData, Attribute(session, leaf, CKA.CKA_ISSUER));
        Assert.Equal([0x02, 0x08, 1, 2, 3, 4, 5, 6, 7, 8], Attribute(session, leaf, CKA.CKA_SERIAL_NUMBER));
        Assert.Equal(CkUlong.Encode(CKC.CKC_X_509), Attribute(session, leaf, CKA.CKA_CERTIFICATE_TYPE));
    }

    [Fact]
    public void Get_attribute_value_follows_the_length_sensitive_and_invalid_conventions()
    {
        Initialize();
        var session = OpenSession(Fixture.Rsa);
        var key = PrivateKey(session);
        AttributeRead[] template =
        [
            new(CKA.CKA_LABEL, null),
            new(CKA.CKA_PRIVATE_EXPONENT, 512),
            new(CKA.CKA_MODULUS, 10),
            new(0x7777, 10),
            new(CKA.CKA_SIGN, 1),
        ];

        var result = P.GetAttributeValue(session, key, template);

        Assert.Contains(result, new[] { CKR.CKR_ATTRIBUTE_SENSITIVE, CKR.CKR_BUFFER_TOO_SMALL, CKR.CKR_ATTRIBUTE_TYPE_INVALID });
        Assert.Equal(10ul, template[0].Length);
        Assert.Null(template[0].Value);
        Assert.Equal(CkUlong.CK_UNAVAILABLE_INFORMATION, template[1].Length);
        Assert.Equal(CkUlong.CK_UNAVAILABLE_INFORMATION, template[2].Length);
        Assert.Equal(CkUlong.CK_UNAVAILABLE_INFORMATION, template[3].Length);
        Assert.Equal(True, template[4].Value);
        Assert.Equal(CKR.CKR_ATTRIBUTE_SENSITIVE, P.GetAttributeValue(session, key, [new AttributeRead(CKA.CKA_PRIVATE_EXPONENT, 512)]));
        Assert.Equal(CKR.CKR_ATTRIBUTE_TYPE_INVALID, P.GetAttributeValue(session, key, [new AttributeRead(0x7777, 512)]));
        Assert.Equal(CKR.CKR_BUFFER_TOO_SMALL, P.GetAttributeValue(session, key, [new AttributeRead(CKA.CKA_MODULUS, 255)]));
        Assert.Equal(CKR.CKR_OBJECT_HANDLE_INVALID, Code(() => P.GetAttributeValue(session, 9999, [new AttributeRead(CKA.CKA_LABEL, null)])));
    }

    [Fact]
    public void Find_requires_init_and_refuses_a_second_search()
    {
        Initialize();
        var session = OpenSession(Fixture.Rsa);

        Assert.Equal(CKR.CKR_OPERATION_NOT_INITIALIZED, Code(() => P.FindObjects(session, 1)));
        P.FindObjectsInit(session, []);
        Assert.Equal(CKR.CKR_OPERATION_ACTIVE, Code(() => P.FindObjectsInit(session, [])));
        Assert.Equal(3, P.FindObjects(session, 3).Length);
        Assert.Single(P.FindObjects(session, 3));
        Assert.Empty(P.FindObjects(session, 3));
        P.FindObjectsFinal(session);
        Assert.Equal(CKR.CKR_OPERATION_NOT_INITIALIZED, Code(() => P.FindObjectsFinal(session)));
    }
}
