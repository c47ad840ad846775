using System.Security.Cryptography;
using CodeSigning.V1;

namespace CodeSigning.Server.Tests.Auth;

/// <summary>The key file a service account's clients (csign, the PKCS#11 module) sign assertions with.</summary>
public sealed class ServiceAccountKeyImportTests(AssertionKeys keys) : IClassFixture<AssertionKeys>
{
    [Fact]
    public void Ec_and_rsa_private_keys_in_every_pem_form_import_as_the_same_key()
    {
        foreach (var pem in new[] { keys.P256.ExportPkcs8PrivateKeyPem(), keys.P256.ExportECPrivateKeyPem() })
        {
            using var imported = Assert.IsAssignableFrom<ECDsa>(ServiceAccountAssertion.ImportPrivateKey(pem));
            Assert.Equal(keys.P256.ExportSubjectPublicKeyInfo(), imported.ExportSubjectPublicKeyInfo());
        }

        foreach (var pem in new[] { keys.Rsa.ExportPkcs8PrivateKeyPem(), keys.Rsa.ExportRSAPrivateKeyPem() })
        {
            using var imported = Assert.IsAssignableFrom<RSA>(ServiceAccountAssertion.ImportPrivateKey(pem));
            Assert.Equal(keys.Rsa.ExportSubjectPublicKeyInfo(), imported.ExportSubjectPublicKeyInfo());
        }
    }

    [Fact]
    public void Text_without_a_private_key_is_null()
    {
        Assert.Null(ServiceAccountAssertion.ImportPrivateKey("not a key"));
        Assert.Null(ServiceAccountAssertion.ImportPrivateKey(keys.P256.ExportSubjectPublicKeyInfoPem()));
    }
}
