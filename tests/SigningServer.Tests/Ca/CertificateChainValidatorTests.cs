using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using CodeSigning.Server.Ca;
using CodeSigning.Server.Tests.Keys;
using CodeSigning.V1;

namespace CodeSigning.Server.Tests.Ca;

public sealed class CertificateChainValidatorTests : IClassFixture<VaultFixture>, IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    private readonly byte[] _signerKey;
    private readonly ExternalCa _root = ExternalCa.CreateRoot("CN=Example Root, O=Example", ECDsa.Create(ECCurve.NamedCurves.nistP256), Now);
    private readonly ExternalCa _intermediate;
    private readonly X509Certificate2 _leaf;

    public CertificateChainValidatorTests(VaultFixture fixture)
    {
        _signerKey = fixture.Key(KeyAlgorithm.EcP256).PublicKey;
        _intermediate = _root.CreateIntermediate("CN=Example Code Signing CA, O=Example", ECDsa.Create(ECCurve.NamedCurves.nistP384), Now);
        _leaf = _intermediate.IssueCodeSigning(_signerKey, "CN=mobile-app-prod, O=Example", Now.AddDays(-1), Now.AddDays(365));
    }

    [Fact]
    public void External_chain_in_any_order_comes_back_leaf_first()
    {
        var result = CertificateChainValidator.Validate(_signerKey, [Pem(_root.Certificate, _leaf), _intermediate.Certificate.RawData], Now);

        Assert.Equal([_leaf.RawData, _intermediate.Certificate.RawData, _root.Certificate.RawData], result);
    }

    [Fact]
    public void Leaf_alone_is_accepted()
    {
        Assert.Equal([_leaf.RawData], CertificateChainValidator.Validate(_signerKey, [_leaf.RawData], Now));
    }

    [Fact]
    public void Chain_without_its_root_is_accepted()
    {
        var result = CertificateChainValidator.Validate(_signerKey, [Pem(_intermediate.Certificate), Pem(_leaf)], Now);

        Assert.Equal([_leaf.RawData, _intermediate.Certificate.RawData], result);
    }

    [Fact]
    public void Repeated_certificates_count_once()
    {
        var result = CertificateChainValidator.Validate(_signerKey, [Pem(_leaf, _intermediate.Certificate), _leaf.RawData, _intermediate.Certificate.RawData], Now);

        Assert.Equal([_leaf.RawData, _intermediate.Certificate.RawData], result);
    }

    [Fact]
    public void Rsa_signature_links_verify()
    {
        using var rsaRoot = ExternalCa.CreateRoot("CN=RSA Root", RSA.Create(2048), Now);
        using var leaf = rsaRoot.IssueCodeSigning(_signerKey, "CN=rsa-issued", Now.AddDays(-1), Now.AddDays(1));

        Assert.Equal([leaf.RawData, rsaRoot.Certificate.RawData], CertificateChainValidator.Validate(_signerKey, [leaf.RawData, rsaRoot.Certificate.RawData], Now));
    }

    [Fact]
    public void Leaf_without_usage_extensions_is_accepted()
    {
        using var leaf = _root.Issue(PublicKey.CreateFromSubjectPublicKeyInfo(_signerKey, out _), "CN=plain", Now.AddDays(-1), Now.AddDays(1), []);

        Assert.Equal([leaf.RawData], CertificateChainValidator.Validate(_signerKey, [leaf.RawData], Now));
    }

    [Fact]
    public void Empty_input_is_refused()
    {
        var error = Assert.Throws<CertificateImportException>(() => CertificateChainValidator.Validate(_signerKey, [], Now));

        Assert.StartsWith("No certificate was given", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello, not a certificate")]
    [InlineData("0 starts like DER")]
    public void Neither_pem_nor_der_is_refused(string text)
    {
        var error = Assert.Throws<CertificateImportException>(() => CertificateChainValidator.Validate(_signerKey, [_leaf.RawData, Encoding.UTF8.GetBytes(text)], Now));

        Assert.Equal("Entry 2 is not a valid X.509 certificate; give PEM (-----BEGIN CERTIFICATE-----) or DER.", error.Message);
    }

    [Fact]
    public void Unreadable_pem_is_refused()
    {
        var text = "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n";

        var error = Assert.Throws<CertificateImportException>(() => CertificateChainValidator.Validate(_signerKey, [Encoding.UTF8.GetBytes(text)], Now));

        Assert.StartsWith("Entry 1 holds no readable PEM CERTIFICATE block", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_der_is_refused()
    {
        byte[] truncated = _leaf.RawData[..100];

        var error = Assert.Throws<CertificateImportException>(() => CertificateChainValidator.Validate(_signerKey, [truncated], Now));

        Assert.StartsWith("Entry 1 is not a valid X.509 certificate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Private_key_in_the_input_is_refused_without_echoing_it()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var keyPem = key.ExportPkcs8PrivateKeyPem();

        var error = Assert.Throws<CertificateImportException>(() => CertificateChainValidator.Validate(_signerKey, [Encoding.UTF8.GetBytes(_leaf.ExportCertificatePem() + "\n" + keyPem)], Now));

        Assert.Equal("Entry 1 holds a PEM PRIVATE KEY; import only CERTIFICATE blocks (never a private key).", error.Message);
    }

    [Fact]
    public void Certificate_for_another_key_is_refused()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var leaf = _root.IssueCodeSigning(other.ExportSubjectPublicKeyInfo(), "CN=other", Now.AddDays(-1), Now.AddDays(1));

        var error = Assert.Throws<CertificateImportException>(() => CertificateChainValidator.Validate(_signerKey, [leaf.RawData, _root.Certificate.RawData], Now));

        Assert.StartsWith("The certificate does not match the Signer's key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_certificates_for_the_signer_key_are_refused()
    {
        using var second = _root.IssueCodeSigning(_signerKey, "CN=second", Now.AddDays(-1), Now.AddDays(1));

        var error = Assert.Throws<CertificateImportException>(() => CertificateChainValidator.Validate(_signerKey, [_leaf.RawData, second.RawData], Now));

        Assert.StartsWith("2 certificates hold the Signer's key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Leaf_without_code_signing_usage_is_refused()
    {
        using var leaf = _root.Issue(PublicKey.CreateFromSubjectPublicKeyInfo(_signerKey, out _), "CN=tls", Now.AddDays(-1), Now.AddDays(1),
            [new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false)]);

        var error = Assert.Throws<CertificateImportException>(() => CertificateChainValidator.Validate(_signerKey, [leaf.RawData], Now));

        Assert.Contains("is not for code signing", error.Message, StringComparison.Ordinal);
        Assert.Contains("'CN=tls'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Leaf_without_digital_signature_is_refused()
    {
        using var leaf = _root.Issue(PublicKey.CreateFromSubjectPublicKeyInfo(_signerKey, out _), "CN=agreement", Now.AddDays(-1), Now.AddDays(1),
            [new X509KeyUsageExtension(X509KeyUsageFlags.KeyAgreement, true)]);

        var error = Assert.Throws<CertificateImportException>(() => CertificateChainValidator.Validate(_signerKey, [leaf.RawData], Now));

        Assert.Contains("does not allow digital signatures", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Expired_leaf_is_refused()
    {
        using var leaf = _root.IssueCodeSigning(_signerKey, "CN=old", Now.AddDays(-10), Now.AddDays(-1));

        var error = Assert.Throws<CertificateImportException>(() => CertificateChainValidator.Validate(_signerKey, [leaf.RawData], Now));

        Assert.Contains($"expired on {Now.AddDays(-1):u}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Not_yet_valid_leaf_is_refused()
    {
        using var leaf = _root.IssueCodeSigning(_signerKey, "CN=future", Now.AddDays(1), Now.AddDays(10));

        var error = Assert.Throws<CertificateImportException>(() => CertificateChainValidator.Validate(_signerKey, [leaf.RawData], Now));

        Assert.Contains($"is not valid before {Now.AddDays(1):u}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Issuer_with_the_right_name_but_another_key_is_refused()
    {
        using var impostor = ExternalCa.CreateRoot("CN=Example Code Signing CA, O=Example", ECDsa.Create(ECCurve.NamedCurves.nistP256), Now);

        var error = Assert.Throws<CertificateImportException>(() => CertificateChainValidator.Validate(_signerKey, [_leaf.RawData, impostor.Certificate.RawData], Now));

        Assert.Contains("signature does not verify", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Certificate_outside_the_chain_is_refused()
    {
        using var unrelated = ExternalCa.CreateRoot("CN=Unrelated Root", ECDsa.Create(ECCurve.NamedCurves.nistP256), Now);

        var error = Assert.Throws<CertificateImportException>(() => CertificateChainValidator.Validate(_signerKey, [_leaf.RawData, _intermediate.Certificate.RawData, unrelated.Certificate.RawData], Now));

        Assert.StartsWith("Not in the chain of 'CN=mobile-app-prod, O=Example'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'CN=Unrelated Root'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unsupported_signature_algorithm_is_refused()
    {
        using var rsaRoot = ExternalCa.CreateRoot("CN=PSS Root", RSA.Create(2048), Now);
        using var leaf = rsaRoot.Issue(PublicKey.CreateFromSubjectPublicKeyInfo(_signerKey, out _), "CN=pss", Now.AddDays(-1), Now.AddDays(1), [], RSASignaturePadding.Pss);

        var error = Assert.Throws<CertificateImportException>(() => CertificateChainValidator.Validate(_signerKey, [leaf.RawData, rsaRoot.Certificate.RawData], Now));

        Assert.Contains("is signed with algorithm 1.2.840.113549.1.1.10", error.Message, StringComparison.Ordinal);
    }

    private static byte[] Pem(params X509Certificate2[] certificates) =>
        Encoding.UTF8.GetBytes(string.Concat(certificates.Select(certificate => certificate.ExportCertificatePem() + "\n")));

    public void Dispose()
    {
        _leaf.Dispose();
        _intermediate.Dispose();
        _root.Dispose();
    }
}
