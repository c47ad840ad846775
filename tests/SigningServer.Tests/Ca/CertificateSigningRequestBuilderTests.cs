using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CodeSigning.Server.Ca;
using CodeSigning.Server.Tests.Keys;
using CodeSigning.V1;

namespace CodeSigning.Server.Tests.Ca;

public sealed class CertificateSigningRequestBuilderTests(VaultFixture fixture) : IClassFixture<VaultFixture>
{
    [Theory]
    [InlineData(KeyAlgorithm.Rsa2048, "SHA256", "1.2.840.113549.1.1.11")]
    [InlineData(KeyAlgorithm.EcP256, "SHA256", "1.2.840.10045.4.3.2")]
    [InlineData(KeyAlgorithm.EcP384, "SHA384", "1.2.840.10045.4.3.3")]
    public void Csr_is_signed_by_the_vault_key_and_asks_for_code_signing(KeyAlgorithm algorithm, string hashName, string signatureOid)
    {
        var key = fixture.Key(algorithm);

        var pem = CertificateSigningRequestBuilder.CreatePem(fixture.Vault, key.KeyReference, key.PublicKey, algorithm, "CN=mobile-app-prod, O=Example");

        // Loading validates the self-signature.
        var request = CertificateRequest.LoadSigningRequestPem(pem, new HashAlgorithmName(hashName), CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
        Assert.Equal("CN=mobile-app-prod, O=Example", request.SubjectName.Name);
        Assert.Equal(key.PublicKey, request.PublicKey.ExportSubjectPublicKeyInfo());
        var eku = request.CertificateExtensions.OfType<X509EnhancedKeyUsageExtension>().Single();
        Assert.Equal(["1.3.6.1.5.5.7.3.3"], eku.EnhancedKeyUsages.Cast<Oid>().Select(oid => oid.Value));
        var keyUsage = request.CertificateExtensions.OfType<X509KeyUsageExtension>().Single();
        Assert.True(keyUsage.Critical);
        Assert.Equal(X509KeyUsageFlags.DigitalSignature, keyUsage.KeyUsages);
        Assert.Equal(signatureOid, SignedStructure.Parse(Der(pem)).AlgorithmOid);
    }

    [Theory]
    [InlineData(KeyAlgorithm.Rsa2048)]
    [InlineData(KeyAlgorithm.EcP384)]
    public void Openssl_verifies_the_csr(KeyAlgorithm algorithm)
    {
        var key = fixture.Key(algorithm);
        var pem = CertificateSigningRequestBuilder.CreatePem(fixture.Vault, key.KeyReference, key.PublicKey, algorithm, "CN=mobile-app-prod, O=Example");
        var path = Path.Combine(fixture.DataDir, $"{algorithm}.csr");
        File.WriteAllText(path, pem);

        var result = ExternalTool.Run("openssl", "req", "-in", path, "-verify", "-noout", "-text");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("verify OK", result.StandardError + result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Code Signing", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Digital Signature", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Csr_with_tampered_signature_fails_verification()
    {
        // Guards the test above: LoadSigningRequestPem really checks the signature.
        var key = fixture.Key(KeyAlgorithm.EcP256);
        var pem = CertificateSigningRequestBuilder.CreatePem(fixture.Vault, key.KeyReference, key.PublicKey, key.Algorithm, "CN=x");
        var der = Der(pem);
        der[^2] ^= 0x01;

        Assert.ThrowsAny<CryptographicException>(() => CertificateRequest.LoadSigningRequest(der, HashAlgorithmName.SHA256));
    }

    [Fact]
    public void Bad_subject_name_is_refused()
    {
        var key = fixture.Key(KeyAlgorithm.EcP256);

        Assert.Throws<ArgumentException>(() => CertificateSigningRequestBuilder.CreatePem(fixture.Vault, key.KeyReference, key.PublicKey, key.Algorithm, "no equals sign"));
    }

    private static byte[] Der(string pem) => Convert.FromBase64String(pem[PemEncoding.Find(pem).Base64Data]);
}
