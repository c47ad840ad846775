using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CodeSigning.Server.Tests.Ca;
using CodeSigning.V1;
using Google.Protobuf;
using Grpc.Core;

namespace CodeSigning.Server.Tests.Server;

/// <summary>A Signer certified by an external CA: CSR out, certificate in, checked against the key.</summary>
public sealed class ExternalCaTests(ExternalCaTests.Fixture fixture) : IClassFixture<ExternalCaTests.Fixture>
{
    public sealed class Fixture : InProcessServer
    {
        public Clients Operator { get; private set; } = null!;

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            Operator = (await CreateUserAsync("operator")).Clients;
        }

        public async Task<V1.Signer> CreateExternalAsync(string name) =>
            await Admin.Signers.CreateSignerAsync(new CreateSignerRequest
            {
                Name = name,
                KeyAlgorithm = KeyAlgorithm.EcP256,
                CertificateAuthority = CertificateAuthorityKind.External,
                Subject = $"CN={name}, O=Example",
                Members = { new MemberSpec { Principal = UserRef("admin"), Role = Role.Administrator }, new MemberSpec { Principal = UserRef("operator"), Role = Role.Operator } },
            });
    }

    [Fact]
    public async Task Csr_then_import_makes_the_signer_usable()
    {
        var signer = await fixture.CreateExternalAsync("external");
        Assert.True(signer.CertificateRequestPending);
        Assert.Empty(signer.CertificateChain);
        await Rpc.FailsAsync(() => fixture.Operator.Sign.SignAsync(SignTests.Request("external", SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, new byte[32])),
            StatusCode.FailedPrecondition, "CERTIFICATE_MISSING");
        await Rpc.FailsAsync(() => fixture.Admin.Signers.ExportCertificateChainAsync(new ExportCertificateChainRequest { Signer = "external" }),
            StatusCode.FailedPrecondition, "CERTIFICATE_MISSING");

        var csrPem = (await fixture.Admin.Signers.GetCertificateSigningRequestAsync(new GetCertificateSigningRequestRequest { Signer = "external" })).Pem;
        var csr = CertificateRequest.LoadSigningRequestPem(csrPem, HashAlgorithmName.SHA256);
        Assert.Equal("CN=external, O=Example", csr.SubjectName.Name);
        Assert.Equal(signer.PublicKey.ToByteArray(), csr.PublicKey.ExportSubjectPublicKeyInfo());

        var now = DateTimeOffset.UtcNow;
        using var root = ExternalCa.CreateRoot("CN=Company Root", ECDsa.Create(ECCurve.NamedCurves.nistP256), now);
        using var leaf = root.IssueCodeSigning(signer.PublicKey.ToByteArray(), "CN=external, O=Example", now.AddMinutes(-5), now.AddYears(1));
        var imported = await fixture.Admin.Signers.ImportCertificateAsync(new ImportCertificateRequest
        {
            Signer = "external",
            Certificates = { ByteString.CopyFromUtf8(leaf.ExportCertificatePem() + "\n" + root.Certificate.ExportCertificatePem()) },
        });
        Assert.False(imported.CertificateRequestPending);
        Assert.Equal([leaf.RawData, root.Certificate.RawData], imported.CertificateChain.Select(c => c.ToByteArray()));

        var digest = SHA256.HashData("external"u8);
        var signature = await fixture.Operator.Sign.SignAsync(SignTests.Request("external", SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, digest));
        Assert.True(leaf.GetECDsaPublicKey()!.VerifyHash(digest, signature.Signature.ToByteArray()));
        var exported = await fixture.Admin.Signers.ExportCertificateChainAsync(new ExportCertificateChainRequest { Signer = "external" });
        Assert.StartsWith(leaf.ExportCertificatePem(), exported.Pem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_certificate_for_another_key_is_refused_and_changes_nothing()
    {
        await fixture.CreateExternalAsync("mismatch");
        var now = DateTimeOffset.UtcNow;
        using var root = ExternalCa.CreateRoot("CN=Company Root", ECDsa.Create(ECCurve.NamedCurves.nistP256), now);
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var wrong = root.IssueCodeSigning(otherKey.ExportSubjectPublicKeyInfo(), "CN=mismatch", now.AddMinutes(-5), now.AddYears(1));

        await Rpc.FailsAsync(() => fixture.Admin.Signers.ImportCertificateAsync(new ImportCertificateRequest
        {
            Signer = "mismatch", Certificates = { ByteString.CopyFrom(wrong.RawData), ByteString.CopyFrom(root.Certificate.RawData) },
        }), StatusCode.InvalidArgument, "CERTIFICATE_MISMATCH");
        await Rpc.FailsAsync(() => fixture.Operator.Signers.ImportCertificateAsync(new ImportCertificateRequest
        {
            Signer = "mismatch", Certificates = { ByteString.CopyFrom(wrong.RawData) },
        }), StatusCode.PermissionDenied, "ROLE_FORBIDS");

        var signer = await fixture.Admin.Signers.GetSignerAsync(new GetSignerRequest { Signer = "mismatch" });
        Assert.True(signer.CertificateRequestPending);
        Assert.Empty(signer.CertificateChain);
    }

    [Fact]
    public async Task Renewing_an_internal_certificate_keeps_the_key()
    {
        var created = await fixture.CreateSignerAsync("renewed", KeyAlgorithm.EcP256, ("admin", Role.Administrator));
        var renewed = await fixture.Admin.Signers.RenewCertificateAsync(new RenewCertificateRequest { Signer = "renewed", Validity = InProcessServer.Minutes(60 * 24) });
        Assert.Equal(created.PublicKey, renewed.PublicKey);
        Assert.NotEqual(created.CertificateChain[0], renewed.CertificateChain[0]);
        using var leaf = X509CertificateLoader.LoadCertificate(renewed.CertificateChain[0].ToByteArray());
        Assert.InRange(leaf.NotAfter - leaf.NotBefore, TimeSpan.FromHours(23), TimeSpan.FromHours(25));
    }
}
