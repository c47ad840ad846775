using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CodeSigning.Server.Tests.Ca;
using CodeSigning.Server.Tests.Server;
using CodeSigning.V1;
using Google.Protobuf;
using Grpc.Core;

namespace CodeSigning.Server.Tests.Keys;

/// <summary>
/// Teams moving from key files: an existing key pair (and its certificate chain) imported into a
/// Signer in the software vault signs like a generated one; bad keys and chains are refused with the
/// exact status and reason, create nothing, and leave an audit event. Also the vault choice itself.
/// </summary>
public sealed class KeyImportTests(InProcessServer server) : IClassFixture<InProcessServer>
{
    // One RSA key for every RSA case: generation is slow.
    private static readonly Lazy<RSA> Rsa2048 = new(() => RSA.Create(2048));

    public static TheoryData<string> Keys => ["rsa-2048", "ec-p256", "ec-p384", "ec-p521"];

    [Theory]
    [MemberData(nameof(Keys))]
    public async Task An_imported_key_signs_and_verifies_with_its_internal_CA_certificate(string kind)
    {
        var key = Key(kind);
        var request = Request($"imported-{kind}", key);

        var signer = await server.Admin.Signers.CreateSignerAsync(request);

        Assert.Equal(key.ExportSubjectPublicKeyInfo(), signer.PublicKey.ToByteArray());
        Assert.Equal(kind switch { "rsa-2048" => KeyAlgorithm.Rsa2048, "ec-p256" => KeyAlgorithm.EcP256, "ec-p384" => KeyAlgorithm.EcP384, _ => KeyAlgorithm.EcP521 },
            signer.KeyAlgorithm);
        Assert.Equal("software", signer.KeyVault);
        using var leaf = X509CertificateLoader.LoadCertificate(signer.CertificateChain[0].ToByteArray());
        await SignAndVerifyAsync(signer.Name, leaf);
        var created = (await AuditAsync()).Single(e => e.Type == "signer.created" && e.SignerName == signer.Name);
        Assert.Equal("imported", created.Details["key_origin"]);
        Assert.DoesNotContain(created.Details.Values, v => v.Contains(Convert.ToBase64String(request.ImportPrivateKey.ToByteArray())[..32], StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_generated_P521_key_signs_132_byte_r_and_s_that_its_certificate_verifies()
    {
        var signer = await server.CreateSignerAsync("generated-p521", KeyAlgorithm.EcP521, ("admin", Role.Administrator));
        using var leaf = X509CertificateLoader.LoadCertificate(signer.CertificateChain[0].ToByteArray());
        Assert.Equal("1.3.132.0.35", leaf.GetECDsaPublicKey()!.ExportParameters(false).Curve.Oid.Value);

        foreach (var (algorithm, digest) in new[] { (DigestAlgorithm.Sha512, SHA512.HashData("p521"u8)), (DigestAlgorithm.Sha256, SHA256.HashData("p521"u8)) })
        {
            var signature = (await server.Admin.Sign.SignAsync(SignTests.Request(signer.Name, SignatureScheme.Ecdsa, algorithm, digest))).Signature.ToByteArray();
            Assert.Equal(132, signature.Length);
            Assert.True(leaf.GetECDsaPublicKey()!.VerifyHash(digest, signature));
        }
    }

    [Fact]
    public async Task An_imported_key_keeps_its_existing_certificate_chain()
    {
        var now = server.Clock.GetUtcNow();
        using var root = ExternalCa.CreateRoot("CN=Team Root", ECDsa.Create(ECCurve.NamedCurves.nistP256), now);
        var key = Key("ec-p256");
        using var leaf = root.IssueCodeSigning(key.ExportSubjectPublicKeyInfo(), "CN=team-app", now.AddDays(-1), now.AddYears(1));
        var request = Request("imported-with-chain", key);
        request.CertificateAuthority = CertificateAuthorityKind.Unspecified;
        request.ImportCertificateChain.Add(ByteString.CopyFrom(leaf.RawData));
        request.ImportCertificateChain.Add(ByteString.CopyFrom(root.Certificate.RawData));

        var signer = await server.Admin.Signers.CreateSignerAsync(request);

        Assert.Equal(CertificateAuthorityKind.External, signer.CertificateAuthority);
        Assert.Equal([leaf.RawData, root.Certificate.RawData], signer.CertificateChain.Select(c => c.ToByteArray()));
        Assert.False(signer.CertificateRequestPending);
        await SignAndVerifyAsync(signer.Name, leaf);
    }

    public static TheoryData<string, StatusCode, string, string> Refusals => new()
    {
        { "garbage", StatusCode.InvalidArgument, "INVALID_ARGUMENT", "import_private_key" },
        { "rsa-1024", StatusCode.InvalidArgument, "INVALID_ARGUMENT", "import_private_key" },
        { "ec-brainpool", StatusCode.InvalidArgument, "INVALID_ARGUMENT", "import_private_key" },
        { "dsa", StatusCode.InvalidArgument, "INVALID_ARGUMENT", "import_private_key" },
        { "algorithm mismatch", StatusCode.InvalidArgument, "INVALID_ARGUMENT", "key_algorithm" },
        { "mismatched certificate", StatusCode.InvalidArgument, "CERTIFICATE_MISMATCH", "" },
        { "chain without key", StatusCode.InvalidArgument, "INVALID_ARGUMENT", "import_certificate_chain" },
        { "hsm not configured", StatusCode.FailedPrecondition, "KEY_VAULT_NOT_CONFIGURED", "" },
        { "unknown vault", StatusCode.InvalidArgument, "INVALID_ARGUMENT", "key_vault" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_bad_import_or_vault_is_refused_creates_nothing_and_is_audited(string flaw, StatusCode status, string reason, string field)
    {
        var request = Request("refused-import", Key("ec-p256"));
        switch (flaw)
        {
            case "garbage": request.ImportPrivateKey = ByteString.CopyFromUtf8("-----BEGIN PRIVATE KEY-----\nnot a key"); break;
            case "rsa-1024": request.ImportPrivateKey = Pkcs8(RSA.Create(1024)); break;
            case "ec-brainpool": request.ImportPrivateKey = Pkcs8(ECDsa.Create(ECCurve.NamedCurves.brainpoolP256r1)); break;
            case "dsa": request.ImportPrivateKey = Pkcs8(DSA.Create(1024)); break;
            case "algorithm mismatch": request.KeyAlgorithm = KeyAlgorithm.EcP384; break;
            case "mismatched certificate":
                var now = server.Clock.GetUtcNow();
                using (var root = ExternalCa.CreateRoot("CN=Other Root", ECDsa.Create(ECCurve.NamedCurves.nistP256), now))
                using (var other = root.IssueCodeSigning(Key("ec-p384").ExportSubjectPublicKeyInfo(), "CN=other", now.AddDays(-1), now.AddYears(1)))
                {
                    request.CertificateAuthority = CertificateAuthorityKind.External;
                    request.ImportCertificateChain.Add(ByteString.CopyFrom(other.RawData));
                }
                break;
            case "chain without key":
                request.ImportPrivateKey = ByteString.Empty;
                request.KeyAlgorithm = KeyAlgorithm.EcP256;
                request.ImportCertificateChain.Add(ByteString.CopyFrom(new byte[] { 0x30, 0x00 }));
                break;
            case "hsm not configured":
                request.ImportPrivateKey = ByteString.Empty;
                request.KeyAlgorithm = KeyAlgorithm.EcP256;
                request.KeyVault = "pkcs11";
                break;
            default: request.KeyVault = "cloud"; break;
        }
        var signersBefore = (await server.Admin.Signers.ListSignersAsync(new ListSignersRequest())).Signers.Count;
        var refusalsBefore = (await AuditAsync()).Count(e => e.Type == "signer.created" && e.Reason == reason);

        var info = await Rpc.FailsAsync(() => server.Admin.Signers.CreateSignerAsync(request), status, reason);

        if (field.Length > 0)
        {
            Assert.Equal(field, info.Metadata["field"]);
        }
        Assert.Equal(signersBefore, (await server.Admin.Signers.ListSignersAsync(new ListSignersRequest())).Signers.Count);
        var refusal = (await AuditAsync()).Where(e => e.Type == "signer.created" && e.Reason == reason).ToList();
        Assert.Equal(refusalsBefore + 1, refusal.Count);
        Assert.NotEqual(AuditOutcome.Success, refusal[^1].Outcome);
    }

    [Fact]
    public async Task Only_a_Product_Admin_imports_a_key()
    {
        var (_, alice, _) = await server.CreateUserAsync("import-alice");
        var signersBefore = (await server.Admin.Signers.ListSignersAsync(new ListSignersRequest())).Signers.Count;

        await Rpc.FailsAsync(() => alice.Signers.CreateSignerAsync(Request("alice-import", Key("ec-p256"))), StatusCode.PermissionDenied, "PRODUCT_ADMIN_REQUIRED");

        Assert.Equal(signersBefore, (await server.Admin.Signers.ListSignersAsync(new ListSignersRequest())).Signers.Count);
    }

    private static AsymmetricAlgorithm Key(string kind) => kind switch
    {
        "rsa-2048" => Rsa2048.Value,
        "ec-p256" => ECDsa.Create(ECCurve.NamedCurves.nistP256),
        "ec-p521" => ECDsa.Create(ECCurve.NamedCurves.nistP521),
        _ => ECDsa.Create(ECCurve.NamedCurves.nistP384),
    };

    private static ByteString Pkcs8(AsymmetricAlgorithm key)
    {
        using (key)
        {
            return ByteString.CopyFrom(key.ExportPkcs8PrivateKey());
        }
    }

    private static CreateSignerRequest Request(string name, AsymmetricAlgorithm key) => new()
    {
        Name = name,
        CertificateAuthority = CertificateAuthorityKind.Internal,
        ImportPrivateKey = ByteString.CopyFrom(key.ExportPkcs8PrivateKey()),
        Members = { new MemberSpec { Principal = InProcessServer.UserRef("admin"), Role = Role.Administrator } },
    };

    private async Task SignAndVerifyAsync(string signer, X509Certificate2 leaf)
    {
        var digest = SHA256.HashData(RandomNumberGenerator.GetBytes(16));
        var rsa = leaf.GetRSAPublicKey();
        var response = await server.Admin.Sign.SignAsync(SignTests.Request(signer, rsa is null ? SignatureScheme.Ecdsa : SignatureScheme.RsaPss, DigestAlgorithm.Sha256, digest));
        var signature = response.Signature.ToByteArray();
        Assert.True(rsa is null
            ? leaf.GetECDsaPublicKey()!.VerifyHash(digest, signature)
            : rsa.VerifyHash(digest, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss));
    }

    private async Task<IReadOnlyList<AuditEvent>> AuditAsync() =>
        (await server.Admin.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest { PageSize = 1000 })).Events;
}
