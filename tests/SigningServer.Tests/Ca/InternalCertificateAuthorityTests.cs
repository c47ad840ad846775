using System.IO.Compression;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CodeSigning.Server.Ca;
using CodeSigning.Server.Tests.Keys;
using CodeSigning.V1;

namespace CodeSigning.Server.Tests.Ca;

public sealed class InternalCertificateAuthorityTests(CaFixture fixture) : IClassFixture<CaFixture>
{
    private const string CodeSigningOid = "1.3.6.1.5.5.7.3.3";

    [Fact]
    public void Root_is_self_signed_P384_ca_with_path_length_one()
    {
        var root = fixture.Root;

        Assert.Equal(InternalCertificateAuthority.RootName, root.Subject);
        Assert.Equal(InternalCertificateAuthority.RootName, root.Issuer);
        Assert.Equal(384, root.GetECDsaPublicKey()!.KeySize);
        AssertCaExtensions(root, pathLength: 1);
        Assert.Null(root.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().SingleOrDefault());
        Assert.Equal(fixture.Now.AddMinutes(-5).UtcDateTime, root.NotBefore.ToUniversalTime());
        Assert.Equal(fixture.Now.AddYears(20).UtcDateTime, root.NotAfter.ToUniversalTime());
        Assert.True(SignedStructure.Parse(root.RawData).VerifiesWith(root.PublicKey.ExportSubjectPublicKeyInfo(), HashAlgorithmName.SHA384));
    }

    [Fact]
    public void Issuing_ca_is_signed_by_the_root_with_path_length_zero()
    {
        var issuing = fixture.Issuing;

        Assert.Equal(InternalCertificateAuthority.IssuingName, issuing.Subject);
        Assert.Equal(InternalCertificateAuthority.RootName, issuing.Issuer);
        Assert.Equal(384, issuing.GetECDsaPublicKey()!.KeySize);
        AssertCaExtensions(issuing, pathLength: 0);
        Assert.Equal(SubjectKeyIdentifier(fixture.Root), AuthorityKeyIdentifier(issuing));
        Assert.Equal(fixture.Now.AddYears(10).UtcDateTime, issuing.NotAfter.ToUniversalTime());
        Assert.True(SignedStructure.Parse(issuing.RawData).VerifiesWith(fixture.Root.PublicKey.ExportSubjectPublicKeyInfo(), HashAlgorithmName.SHA384));
    }

    [Fact]
    public void Ca_key_references_sign_for_their_certificates()
    {
        var digest = SHA384.HashData("payload"u8);
        foreach (var (certificate, reference) in new[] { (fixture.Root, fixture.Material.RootKeyReference), (fixture.Issuing, fixture.Material.IssuingKeyReference) })
        {
            var signature = fixture.Vault.SignDigest(reference, SignatureScheme.Ecdsa, DigestAlgorithm.Sha384, digest);
            Assert.True(certificate.GetECDsaPublicKey()!.VerifyHash(digest, signature));
        }
    }

    [Fact]
    public void Issued_chain_builds_to_the_root_for_code_signing()
    {
        var chainDer = Issue(TimeSpan.FromDays(365));
        using var leaf = X509CertificateLoader.LoadCertificate(chainDer[0]);

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(fixture.Root);
        chain.ChainPolicy.ExtraStore.Add(fixture.Issuing);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(CodeSigningOid));
        chain.ChainPolicy.VerificationTime = fixture.Now.UtcDateTime;

        Assert.True(chain.Build(leaf), string.Join("; ", chain.ChainStatus.Select(status => status.StatusInformation)));
        Assert.Equal([leaf.Thumbprint, fixture.Issuing.Thumbprint, fixture.Root.Thumbprint], chain.ChainElements.Select(element => element.Certificate.Thumbprint));
        Assert.Equal(fixture.Material.IssuingCertificate, chainDer[1]);
        Assert.Equal(fixture.Material.RootCertificate, chainDer[2]);
    }

    [Fact]
    public void Leaf_is_a_code_signing_certificate_for_the_given_key()
    {
        using var leaf = X509CertificateLoader.LoadCertificate(Issue(TimeSpan.FromDays(365))[0]);

        Assert.Equal(fixture.SignerKey.PublicKey, leaf.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.Equal("CN=mobile-app-prod, O=Example", leaf.Subject);
        Assert.Equal(InternalCertificateAuthority.IssuingName, leaf.Issuer);
        var eku = leaf.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single();
        Assert.Equal([CodeSigningOid], eku.EnhancedKeyUsages.Cast<Oid>().Select(oid => oid.Value));
        var keyUsage = leaf.Extensions.OfType<X509KeyUsageExtension>().Single();
        Assert.True(keyUsage.Critical);
        Assert.Equal(X509KeyUsageFlags.DigitalSignature, keyUsage.KeyUsages);
        Assert.False(leaf.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.Equal(SubjectKeyIdentifier(fixture.Issuing), AuthorityKeyIdentifier(leaf));
        Assert.NotNull(SubjectKeyIdentifier(leaf));
        Assert.Equal(fixture.Now.AddMinutes(-5).UtcDateTime, leaf.NotBefore.ToUniversalTime());
        Assert.Equal(fixture.Now.AddDays(365).UtcDateTime, leaf.NotAfter.ToUniversalTime());
        var serial = leaf.SerialNumberBytes.Span;
        Assert.Equal(16, serial.Length);
        Assert.InRange(serial[0], 0x01, 0x7F);
    }

    [Fact]
    public void Each_leaf_gets_its_own_serial_number()
    {
        using var first = X509CertificateLoader.LoadCertificate(Issue(TimeSpan.FromDays(1))[0]);
        using var second = X509CertificateLoader.LoadCertificate(Issue(TimeSpan.FromDays(1))[0]);

        Assert.NotEqual(first.SerialNumber, second.SerialNumber);
    }

    [Fact]
    public void Leaf_validity_is_capped_at_the_issuing_ca()
    {
        using var leaf = X509CertificateLoader.LoadCertificate(Issue(TimeSpan.FromDays(365 * 30))[0]);

        Assert.Equal(fixture.Issuing.NotAfter, leaf.NotAfter);
    }

    [Fact]
    public void Expired_issuing_ca_refuses_to_issue()
    {
        var later = new DateTimeOffset(fixture.Issuing.NotAfter.ToUniversalTime()).AddDays(1);

        var error = Assert.Throws<InvalidOperationException>(() => InternalCertificateAuthority.Issue(fixture.Vault, fixture.Material, fixture.SignerKey.PublicKey, "CN=late", TimeSpan.FromDays(1), later));

        Assert.Contains("expired", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_subject_or_validity_is_refused()
    {
        var vault = fixture.Vault;
        var spki = fixture.SignerKey.PublicKey;

        Assert.Throws<ArgumentException>(() => InternalCertificateAuthority.Issue(vault, fixture.Material, spki, "not a name=", TimeSpan.FromDays(1), fixture.Now));
        Assert.Throws<ArgumentOutOfRangeException>(() => InternalCertificateAuthority.Issue(vault, fixture.Material, spki, "CN=x", TimeSpan.Zero, fixture.Now));
    }

    [Fact]
    public void Openssl_verifies_the_chain_strictly()
    {
        var chainDer = Issue(TimeSpan.FromDays(30));
        var directory = Path.Combine(fixture.Directory, "openssl");
        Directory.CreateDirectory(directory);
        var (leaf, issuing, root) = (WritePem(directory, "leaf", chainDer[0]), WritePem(directory, "issuing", chainDer[1]), WritePem(directory, "root", chainDer[2]));

        var result = ExternalTool.Run("openssl", "verify", "-x509_strict", "-CAfile", root, "-untrusted", issuing, leaf);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"{leaf}: OK", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Jarsigner_signs_and_verifies_with_the_issued_chain()
    {
        // jarsigner needs the private key in a keystore: issue for a key the test holds.
        using var rsa = RSA.Create(2048);
        var chainDer = InternalCertificateAuthority.Issue(fixture.Vault, fixture.Material, rsa.ExportSubjectPublicKeyInfo(), "CN=jar-signer, O=Example", TimeSpan.FromDays(30), fixture.Now);
        var directory = Path.Combine(fixture.Directory, "jarsigner");
        Directory.CreateDirectory(directory);
        var key = Path.Combine(directory, "key.pem");
        File.WriteAllText(key, rsa.ExportPkcs8PrivateKeyPem());
        var leaf = WritePem(directory, "leaf", chainDer[0]);
        var chain = Path.Combine(directory, "chain.pem");
        File.WriteAllText(chain, PemEncoding.WriteString("CERTIFICATE", chainDer[1]) + "\n" + PemEncoding.WriteString("CERTIFICATE", chainDer[2]) + "\n");
        var root = WritePem(directory, "root", chainDer[2]);
        var (keystore, truststore, jar, signedJar) = (Path.Combine(directory, "signer.p12"), Path.Combine(directory, "trust.p12"), Path.Combine(directory, "app.jar"), Path.Combine(directory, "signed.jar"));
        using (var archive = ZipFile.Open(jar, ZipArchiveMode.Create))
        {
            using var writer = new StreamWriter(archive.CreateEntry("hello.txt").Open());
            writer.Write("hello");
        }

        AssertSucceeds(ExternalTool.Run("openssl", "pkcs12", "-export", "-name", "signer", "-inkey", key, "-in", leaf, "-certfile", chain, "-out", keystore, "-passout", "pass:secret"));
        AssertSucceeds(ExternalTool.Run("keytool", "-importcert", "-noprompt", "-alias", "root", "-file", root, "-keystore", truststore, "-storetype", "PKCS12", "-storepass", "trustpass"));
        AssertSucceeds(ExternalTool.Run("jarsigner", "-keystore", keystore, "-storetype", "PKCS12", "-storepass", "secret", "-signedjar", signedJar, jar, "signer"));
        var verify = ExternalTool.Run("jarsigner", "-verify", "-strict", "-keystore", truststore, "-storepass", "trustpass", signedJar);

        AssertSucceeds(verify);
        Assert.Contains("jar verified.", verify.StandardOutput, StringComparison.Ordinal);
    }

    private IReadOnlyList<byte[]> Issue(TimeSpan validity) =>
        InternalCertificateAuthority.Issue(fixture.Vault, fixture.Material, fixture.SignerKey.PublicKey, "CN=mobile-app-prod, O=Example", validity, fixture.Now);

    private static void AssertCaExtensions(X509Certificate2 certificate, int pathLength)
    {
        var constraints = certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        Assert.True(constraints.Critical);
        Assert.True(constraints.CertificateAuthority);
        Assert.True(constraints.HasPathLengthConstraint);
        Assert.Equal(pathLength, constraints.PathLengthConstraint);
        var keyUsage = certificate.Extensions.OfType<X509KeyUsageExtension>().Single();
        Assert.True(keyUsage.Critical);
        Assert.Equal(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, keyUsage.KeyUsages);
        Assert.NotNull(SubjectKeyIdentifier(certificate));
    }

    private static string? SubjectKeyIdentifier(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().SingleOrDefault()?.SubjectKeyIdentifier;

    private static string? AuthorityKeyIdentifier(X509Certificate2 certificate)
    {
        var identifier = certificate.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().Single().KeyIdentifier;
        return identifier is { } bytes ? Convert.ToHexString(bytes.Span) : null;
    }

    private static string WritePem(string directory, string name, byte[] der)
    {
        var path = Path.Combine(directory, $"{name}.pem");
        File.WriteAllText(path, PemEncoding.WriteString("CERTIFICATE", der) + "\n");
        return path;
    }

    private static void AssertSucceeds(ExternalTool.Result result) => Assert.True(result.ExitCode == 0, result.ToString());
}
