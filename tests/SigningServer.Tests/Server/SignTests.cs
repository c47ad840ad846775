using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CodeSigning.V1;
using Google.Protobuf;
using Grpc.Core;

namespace CodeSigning.Server.Tests.Server;

/// <summary>Signing through the API: every scheme and digest, and the bad input refused with nothing recorded as signed.</summary>
public sealed class SignTests(SignTests.Fixture fixture) : IClassFixture<SignTests.Fixture>
{
    public sealed class Fixture : InProcessServer
    {
        public Clients Operator { get; private set; } = null!;
        public V1.Signer Rsa { get; private set; } = null!;
        public V1.Signer Ec { get; private set; } = null!;

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            (_, Operator, _) = await CreateUserAsync("operator");
            Rsa = await CreateSignerAsync("rsa-signer", KeyAlgorithm.Rsa2048, ("admin", Role.Administrator), ("operator", Role.Operator));
            Ec = await CreateSignerAsync("ec-signer", KeyAlgorithm.EcP384, ("admin", Role.Administrator), ("operator", Role.Operator));
        }
    }

    [Theory]
    [InlineData(SignatureScheme.RsaPkcs1V15, DigestAlgorithm.Sha256)]
    [InlineData(SignatureScheme.RsaPkcs1V15, DigestAlgorithm.Sha384)]
    [InlineData(SignatureScheme.RsaPkcs1V15, DigestAlgorithm.Sha512)]
    [InlineData(SignatureScheme.RsaPss, DigestAlgorithm.Sha256)]
    [InlineData(SignatureScheme.RsaPss, DigestAlgorithm.Sha512)]
    public async Task Rsa_signatures_verify_with_the_certificate(SignatureScheme scheme, DigestAlgorithm digestAlgorithm)
    {
        var (digest, hash) = Digest(digestAlgorithm, "rsa payload");
        var response = await fixture.Operator.Sign.SignAsync(Request("rsa-signer", scheme, digestAlgorithm, digest));

        using var certificate = X509CertificateLoader.LoadCertificate(fixture.Rsa.CertificateChain[0].ToByteArray());
        var padding = scheme == SignatureScheme.RsaPss ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
        Assert.True(certificate.GetRSAPublicKey()!.VerifyHash(digest, response.Signature.ToByteArray(), hash, padding));
        Assert.NotEmpty(response.AuditEventId);
        Assert.Empty(response.GrantId);
    }

    [Theory]
    [InlineData(DigestAlgorithm.Sha256)]
    [InlineData(DigestAlgorithm.Sha384)]
    [InlineData(DigestAlgorithm.Sha512)]
    public async Task Ecdsa_signatures_are_raw_r_s_and_verify(DigestAlgorithm digestAlgorithm)
    {
        var (digest, _) = Digest(digestAlgorithm, "ec payload");
        var response = await fixture.Operator.Sign.SignAsync(Request("ec-signer", SignatureScheme.Ecdsa, digestAlgorithm, digest));

        Assert.Equal(96, response.Signature.Length);
        using var certificate = X509CertificateLoader.LoadCertificate(fixture.Ec.CertificateChain[0].ToByteArray());
        Assert.True(certificate.GetECDsaPublicKey()!.VerifyHash(digest, response.Signature.ToByteArray()));
    }

    [Fact]
    public async Task The_signature_is_audited_with_the_digest_and_client_context()
    {
        var (digest, _) = Digest(DigestAlgorithm.Sha256, "audited");
        var request = Request("ec-signer", SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, digest);
        request.Client = new ClientContext { Host = "build-7", Process = "jarsigner", Pid = 4242, CorrelationId = "corr-1", Client = "test/1.0" };
        var response = await fixture.Operator.Sign.SignAsync(request);

        var audited = await FindEventAsync(response.AuditEventId);
        Assert.Equal("signature.created", audited.Type);
        Assert.Equal(AuditOutcome.Success, audited.Outcome);
        Assert.Equal("operator", audited.Actor.Name);
        Assert.Equal(fixture.Ec.Id, audited.SignerId);
        Assert.Equal(Convert.ToHexStringLower(digest), audited.Details["digest_hex"]);
        Assert.Equal("DIGEST_ALGORITHM_SHA256", audited.Details["digest_algorithm"]);
        Assert.Equal(("build-7", "jarsigner", 4242L, "corr-1"), (audited.Client.Host, audited.Client.Process, audited.Client.Pid, audited.Client.CorrelationId));
        Assert.Equal("127.0.0.1", audited.RemoteAddress);
    }

    public static TheoryData<string, SignatureScheme, DigestAlgorithm, int, StatusCode, string> BadInput => new()
    {
        { "ec-signer", SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, 31, StatusCode.InvalidArgument, "DIGEST_LENGTH_INVALID" },
        { "rsa-signer", SignatureScheme.RsaPkcs1V15, DigestAlgorithm.Sha384, 32, StatusCode.InvalidArgument, "DIGEST_LENGTH_INVALID" },
        { "rsa-signer", SignatureScheme.RsaPkcs1V15, DigestAlgorithm.Sha1, 20, StatusCode.InvalidArgument, "ALGORITHM_NOT_SUPPORTED" },
        { "ec-signer", SignatureScheme.Ecdsa, DigestAlgorithm.Sha224, 28, StatusCode.InvalidArgument, "ALGORITHM_NOT_SUPPORTED" },
        { "ec-signer", SignatureScheme.RsaPss, DigestAlgorithm.Sha256, 32, StatusCode.InvalidArgument, "ALGORITHM_NOT_SUPPORTED" },
        { "rsa-signer", SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, 32, StatusCode.InvalidArgument, "ALGORITHM_NOT_SUPPORTED" },
        { "rsa-signer", SignatureScheme.Unspecified, DigestAlgorithm.Sha256, 32, StatusCode.InvalidArgument, "ALGORITHM_NOT_SUPPORTED" },
        { "no-such-signer", SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, 32, StatusCode.NotFound, "SIGNER_NOT_FOUND" },
        { "", SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, 32, StatusCode.InvalidArgument, "INVALID_ARGUMENT" },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public async Task Bad_input_is_refused_audited_and_signs_nothing(string signer, SignatureScheme scheme, DigestAlgorithm digestAlgorithm, int length, StatusCode status, string reason)
    {
        var before = await AllEventsAsync();
        await Rpc.FailsAsync(() => fixture.Operator.Sign.SignAsync(Request(signer, scheme, digestAlgorithm, new byte[length])), status, reason);

        var added = (await AllEventsAsync()).Skip(before.Count).ToList();
        var denied = Assert.Single(added);
        Assert.Equal("signature.denied", denied.Type);
        Assert.Equal(AuditOutcome.Denied, denied.Outcome);
        Assert.Equal(reason, denied.Reason);
        Assert.Equal("operator", denied.Actor.Name);
    }

    internal static (byte[] Digest, HashAlgorithmName Hash) Digest(DigestAlgorithm algorithm, string text)
    {
        var data = System.Text.Encoding.UTF8.GetBytes(text);
        return algorithm switch
        {
            DigestAlgorithm.Sha256 => (SHA256.HashData(data), HashAlgorithmName.SHA256),
            DigestAlgorithm.Sha384 => (SHA384.HashData(data), HashAlgorithmName.SHA384),
            DigestAlgorithm.Sha512 => (SHA512.HashData(data), HashAlgorithmName.SHA512),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
        };
    }

    internal static SignRequest Request(string signer, SignatureScheme scheme, DigestAlgorithm digestAlgorithm, byte[] digest) =>
        new() { Signer = signer, Scheme = scheme, DigestAlgorithm = digestAlgorithm, Digest = ByteString.CopyFrom(digest) };

    private async Task<AuditEvent> FindEventAsync(string id) => (await AllEventsAsync()).Single(e => e.Id == id);

    private async Task<IReadOnlyList<AuditEvent>> AllEventsAsync() =>
        (await fixture.Admin.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest { PageSize = 1000 })).Events;
}
