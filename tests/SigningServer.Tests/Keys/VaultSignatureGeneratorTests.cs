using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CodeSigning.Server.Keys;
using CodeSigning.V1;

namespace CodeSigning.Server.Tests.Keys;

public sealed class VaultSignatureGeneratorTests(VaultFixture fixture) : IClassFixture<VaultFixture>
{
    [Theory]
    [InlineData(KeyAlgorithm.Rsa2048, "SHA256", "1.2.840.113549.1.1.11")]
    [InlineData(KeyAlgorithm.Rsa2048, "SHA384", "1.2.840.113549.1.1.12")]
    [InlineData(KeyAlgorithm.Rsa2048, "SHA512", "1.2.840.113549.1.1.13")]
    [InlineData(KeyAlgorithm.EcP256, "SHA256", "1.2.840.10045.4.3.2")]
    [InlineData(KeyAlgorithm.EcP384, "SHA384", "1.2.840.10045.4.3.3")]
    [InlineData(KeyAlgorithm.EcP384, "SHA512", "1.2.840.10045.4.3.4")]
    public void Signs_certificate_verifiable_with_the_public_key(KeyAlgorithm algorithm, string hashName, string signatureOid)
    {
        var key = fixture.Key(algorithm);
        var hash = new HashAlgorithmName(hashName);
        var generator = new VaultSignatureGenerator(fixture.Vault, key.KeyReference, key.PublicKey, algorithm);
        var subject = new X500DistinguishedName("CN=Generator Test");
        var request = new CertificateRequest(subject, generator.PublicKey, hash);

        using var certificate = request.Create(subject, generator, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1), [1, 2, 3]);

        var parts = SignedStructure.Parse(certificate.RawData);
        Assert.Equal(signatureOid, parts.AlgorithmOid);
        Assert.Equal(signatureOid, certificate.SignatureAlgorithm.Value);
        Assert.Equal(key.PublicKey, certificate.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.True(parts.VerifiesWith(key.PublicKey, hash));
    }

    [Fact]
    public void Rsa_algorithm_identifier_carries_null_parameters_and_ecdsa_none()
    {
        var rsa = fixture.Key(KeyAlgorithm.Rsa2048);
        var ec = fixture.Key(KeyAlgorithm.EcP256);

        var rsaIdentifier = new VaultSignatureGenerator(fixture.Vault, rsa.KeyReference, rsa.PublicKey, rsa.Algorithm).GetSignatureAlgorithmIdentifier(HashAlgorithmName.SHA256);
        var ecIdentifier = new VaultSignatureGenerator(fixture.Vault, ec.KeyReference, ec.PublicKey, ec.Algorithm).GetSignatureAlgorithmIdentifier(HashAlgorithmName.SHA256);

        Assert.Equal("300D06092A864886F70D01010B0500", Convert.ToHexString(rsaIdentifier));
        Assert.Equal("300A06082A8648CE3D040302", Convert.ToHexString(ecIdentifier));
    }

    [Fact]
    public void Ecdsa_signatures_are_strict_der_even_with_leading_zeros()
    {
        // DER drops a leading zero octet only when r or s is below 2^247: about 1 signature in 512.
        // Sign until one such signature appears (expected ~512 tries; missing it in 50,000 has odds
        // near e^-97), verifying every signature on the way.
        var key = fixture.Key(KeyAlgorithm.EcP256);
        var generator = new VaultSignatureGenerator(fixture.Vault, key.KeyReference, key.PublicKey, key.Algorithm);
        var shortest = int.MaxValue;
        for (var i = 0; i < 50_000 && shortest >= 70; i++)
        {
            var data = BitConverter.GetBytes(i);
            var signature = generator.SignData(data, HashAlgorithmName.SHA256);
            shortest = Math.Min(shortest, signature.Length);
            Assert.True(new SignedStructure(data, [], signature).VerifiesWith(key.PublicKey, HashAlgorithmName.SHA256), $"signature {i}");
        }

        // A 32-byte integer with its high bit clear and no padding: SEQUENCE of two INTEGERs under 33 bytes each.
        Assert.True(shortest < 70);
    }

    [Fact]
    public void Unsupported_hash_or_key_algorithm_is_refused()
    {
        var key = fixture.Key(KeyAlgorithm.EcP256);
        var generator = new VaultSignatureGenerator(fixture.Vault, key.KeyReference, key.PublicKey, key.Algorithm);

        Assert.Throws<NotSupportedException>(() => generator.SignData([1], HashAlgorithmName.SHA1));
        Assert.Throws<NotSupportedException>(() => generator.GetSignatureAlgorithmIdentifier(HashAlgorithmName.SHA1));
        Assert.Throws<NotSupportedException>(() => new VaultSignatureGenerator(fixture.Vault, key.KeyReference, key.PublicKey, KeyAlgorithm.Unspecified));
    }
}
