using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CodeSigning.V1;
using Grpc.Core;

namespace CodeSigning.Server.Tests.Server;

/// <summary>Key rotation (RenewCertificate with new_key): a new key and certificate; the old key is gone, its certificates are kept.</summary>
public sealed class RotationTests(RotationTests.Fixture fixture) : IClassFixture<RotationTests.Fixture>
{
    public sealed class Fixture : InProcessServer
    {
        public Clients Operator { get; private set; } = null!;

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            Operator = (await CreateUserAsync("operator")).Clients;
        }
    }

    [Fact]
    public async Task A_new_key_signs_from_then_on_and_what_the_old_one_signed_still_verifies_with_its_kept_certificate()
    {
        var original = await fixture.CreateSignerAsync("rotated", KeyAlgorithm.EcP256, ("admin", Role.Administrator), ("operator", Role.Operator));
        var before = SHA256.HashData("before"u8);
        var oldSignature = await SignAsync(before);
        using var oldLeaf = X509CertificateLoader.LoadCertificate(original.CertificateChain[0].ToByteArray());

        await Rpc.FailsAsync(() => fixture.Operator.Signers.RenewCertificateAsync(new RenewCertificateRequest { Signer = "rotated", NewKey = true }),
            StatusCode.PermissionDenied, "ROLE_FORBIDS");
        var unchanged = await fixture.Admin.Signers.GetSignerAsync(new GetSignerRequest { Signer = "rotated" });
        Assert.Equal((original.PublicKey, 0), (unchanged.PublicKey, unchanged.PreviousCertificates.Count));

        var rotated = await fixture.Admin.Signers.RenewCertificateAsync(new RenewCertificateRequest { Signer = "rotated", NewKey = true });
        Assert.NotEqual(original.PublicKey, rotated.PublicKey);
        Assert.Equal(KeyAlgorithm.EcP256, rotated.KeyAlgorithm);
        Assert.Equal([original.CertificateChain[0]], rotated.PreviousCertificates);
        using var newLeaf = X509CertificateLoader.LoadCertificate(rotated.CertificateChain[0].ToByteArray());
        Assert.Equal(rotated.PublicKey.ToByteArray(), newLeaf.PublicKey.ExportSubjectPublicKeyInfo());

        // What the old key signed verifies with its kept certificate; the new key signs from now on.
        Assert.True(oldLeaf.GetECDsaPublicKey()!.VerifyHash(before, oldSignature));
        var after = SHA256.HashData("after"u8);
        var newSignature = await SignAsync(after);
        Assert.True(newLeaf.GetECDsaPublicKey()!.VerifyHash(after, newSignature));
        Assert.False(oldLeaf.GetECDsaPublicKey()!.VerifyHash(after, newSignature));

        var exported = await fixture.Admin.Signers.ExportCertificateChainAsync(new ExportCertificateChainRequest { Signer = "rotated" });
        Assert.Equal(rotated.CertificateChain, exported.CertificateChain);
        Assert.Equal([original.CertificateChain[0]], exported.PreviousCertificates);
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", exported.PreviousPem, StringComparison.Ordinal);

        var audited = (await fixture.Admin.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest { Filter = new AuditFilter { Signer = "rotated", Types_ = { "certificate.renewed" } } })).Events;
        var success = Assert.Single(audited, e => e.Outcome == AuditOutcome.Success);
        Assert.Equal(("true", Convert.ToHexStringLower(SHA256.HashData(original.PublicKey.ToByteArray())), Convert.ToHexStringLower(SHA256.HashData(rotated.PublicKey.ToByteArray()))),
            (success.Details["new_key"], success.Details["previous_public_key_sha256"], success.Details["public_key_sha256"]));
        Assert.Single(audited, e => e.Outcome == AuditOutcome.Denied && e.Reason == "ROLE_FORBIDS");

        var again = await fixture.Admin.Signers.RenewCertificateAsync(new RenewCertificateRequest { Signer = "rotated", NewKey = true });
        Assert.Equal([rotated.CertificateChain[0], original.CertificateChain[0]], again.PreviousCertificates);
    }

    private async Task<byte[]> SignAsync(byte[] digest) =>
        (await fixture.Operator.Sign.SignAsync(SignTests.Request("rotated", SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, digest))).Signature.ToByteArray();
}
