using System.Security.Cryptography;
using CodeSigning.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace CodeSigning.Server.Tests.Server;

/// <summary>API keys, service-account assertions and access tokens: what is accepted, and every way in refused and audited.</summary>
public sealed class AuthenticationTests(AuthenticationTests.Fixture fixture) : IClassFixture<AuthenticationTests.Fixture>
{
    public sealed class Fixture : InProcessServer
    {
        public ECDsa AccountKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        public string KeyId { get; private set; } = "";
        public string Audience { get; private set; } = "";

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            await Admin.Identity.CreateServiceAccountAsync(new CreateServiceAccountRequest { Name = "ci-bot", Description = "pipeline" });
            var key = await Admin.Identity.AddServiceAccountKeyAsync(new AddServiceAccountKeyRequest
            {
                ServiceAccount = "ci-bot", PublicKey = ByteString.CopyFromUtf8(AccountKey.ExportSubjectPublicKeyInfoPem()),
            });
            KeyId = key.KeyId;
            Audience = (await As("none").Tokens.GetServerInfoAsync(new Empty())).TokenAudience;
            var request = new CreateSignerRequest { Name = "bot-signer", KeyAlgorithm = KeyAlgorithm.EcP256, CertificateAuthority = CertificateAuthorityKind.Internal };
            request.Members.Add(new MemberSpec { Principal = UserRef("admin"), Role = Role.Administrator });
            request.Members.Add(new MemberSpec { Principal = new PrincipalRef { Kind = PrincipalKind.ServiceAccount, Name = "ci-bot" }, Role = Role.Operator });
            await Admin.Signers.CreateSignerAsync(request);
        }

        public string Assertion(AsymmetricAlgorithm? key = null, TimeSpan? lifetime = null, string? audience = null) =>
            ServiceAccountAssertion.Create("ci-bot", KeyId, key ?? AccountKey, audience ?? Audience, lifetime ?? TimeSpan.FromMinutes(2), Clock.GetUtcNow());

        public async Task<ExchangeAssertionResponse> ExchangeAsync(string assertion) =>
            await As("none").Tokens.ExchangeAssertionAsync(new ExchangeAssertionRequest { Assertion = assertion });
    }

    [Fact]
    public async Task A_service_account_exchanges_an_assertion_for_a_token_and_signs()
    {
        var token = await fixture.ExchangeAsync(fixture.Assertion());
        Assert.StartsWith("cst_", token.AccessToken, StringComparison.Ordinal);
        Assert.Equal(fixture.Clock.GetUtcNow().AddMinutes(15), token.ExpiresAt.ToDateTimeOffset());

        var bot = fixture.As(token.AccessToken);
        var me = await bot.Identity.WhoAmIAsync(new Empty());
        Assert.Equal((PrincipalKind.ServiceAccount, "ci-bot", false), (me.Principal.Kind, me.Principal.Name, me.ProductAdmin));
        await bot.Sign.SignAsync(SignTests.Request("bot-signer", SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, new byte[32]));
    }

    [Fact]
    public async Task A_replayed_assertion_is_refused_audited_and_issues_nothing()
    {
        var assertion = fixture.Assertion();
        await fixture.ExchangeAsync(assertion);
        var issuedBefore = await CountAsync("token.issued");
        var failedBefore = await CountAsync("auth.failed");

        await Rpc.FailsAsync(() => fixture.ExchangeAsync(assertion), StatusCode.Unauthenticated, "ASSERTION_REPLAYED");

        Assert.Equal(issuedBefore, await CountAsync("token.issued"));
        var failed = await EventsAsync("auth.failed");
        Assert.Equal(failedBefore + 1, failed.Count);
        Assert.Equal(("ASSERTION_REPLAYED", "ci-bot"), (failed[^1].Reason, failed[^1].Actor.Name));
    }

    public static TheoryData<string> BadAssertions => ["malformed", "wrong key", "wrong audience", "too long-lived", "expired"];

    [Theory]
    [MemberData(nameof(BadAssertions))]
    public async Task A_bad_assertion_is_refused_audited_and_issues_nothing(string flaw)
    {
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var assertion = flaw switch
        {
            "malformed" => "not.a.jwt",
            "wrong key" => fixture.Assertion(key: otherKey),
            "wrong audience" => fixture.Assertion(audience: "codesign:another-server"),
            "too long-lived" => fixture.Assertion(lifetime: TimeSpan.FromMinutes(30)),
            _ => fixture.Assertion(lifetime: TimeSpan.FromMinutes(1)),
        };
        if (flaw == "expired")
        {
            fixture.Clock.Advance(TimeSpan.FromMinutes(2));
        }
        var issuedBefore = await CountAsync("token.issued");
        var failedBefore = await CountAsync("auth.failed");

        await Rpc.FailsAsync(() => fixture.ExchangeAsync(assertion), StatusCode.Unauthenticated, "ASSERTION_INVALID");

        Assert.Equal(issuedBefore, await CountAsync("token.issued"));
        Assert.Equal(failedBefore + 1, await CountAsync("auth.failed"));
    }

    [Fact]
    public async Task An_access_token_expires_after_fifteen_minutes()
    {
        var token = await fixture.ExchangeAsync(fixture.Assertion());
        var bot = fixture.As(token.AccessToken);
        await bot.Identity.WhoAmIAsync(new Empty());
        fixture.Clock.Advance(TimeSpan.FromMinutes(16));
        var failedBefore = await CountAsync("auth.failed");

        await Rpc.FailsAsync(() => bot.Sign.SignAsync(SignTests.Request("bot-signer", SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, new byte[32])),
            StatusCode.Unauthenticated, "CREDENTIAL_EXPIRED");

        var failed = await EventsAsync("auth.failed");
        Assert.Equal(failedBefore + 1, failed.Count);
        Assert.Equal(("CREDENTIAL_EXPIRED", token.AccessToken.Split('_')[1]), (failed[^1].Reason, failed[^1].Details["credential_id"]));
    }

    [Fact]
    public async Task A_disabled_service_account_loses_its_tokens_at_once()
    {
        var token = await fixture.ExchangeAsync(fixture.Assertion());
        await fixture.Admin.Identity.SetServiceAccountEnabledAsync(new SetServiceAccountEnabledRequest { ServiceAccount = "ci-bot", Enabled = false });
        try
        {
            await Rpc.FailsAsync(() => fixture.As(token.AccessToken).Identity.WhoAmIAsync(new Empty()), StatusCode.Unauthenticated, "CREDENTIAL_REVOKED");
            await Rpc.FailsAsync(() => fixture.ExchangeAsync(fixture.Assertion()), StatusCode.Unauthenticated, "CREDENTIAL_REVOKED");
        }
        finally
        {
            await fixture.Admin.Identity.SetServiceAccountEnabledAsync(new SetServiceAccountEnabledRequest { ServiceAccount = "ci-bot", Enabled = true });
        }
    }

    [Fact]
    public async Task An_expired_api_key_is_refused()
    {
        await fixture.Admin.Identity.CreateUserAsync(new CreateUserRequest { Name = "temp" });
        var key = await fixture.Admin.Identity.CreateApiKeyAsync(new CreateApiKeyRequest { User = "temp", Ttl = Duration.FromTimeSpan(TimeSpan.FromHours(1)) });
        await fixture.As(key.Secret).Identity.WhoAmIAsync(new Empty());
        fixture.Clock.Advance(TimeSpan.FromHours(2));
        await Rpc.FailsAsync(() => fixture.As(key.Secret).Identity.WhoAmIAsync(new Empty()), StatusCode.Unauthenticated, "CREDENTIAL_EXPIRED");
    }

    [Theory]
    [InlineData("")]
    [InlineData("csk_garbage")]
    [InlineData("csk_0123456789ab_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task A_missing_malformed_or_unknown_key_is_refused(string bearer)
    {
        await Rpc.FailsAsync(() => fixture.As(bearer).Signers.ListSignersAsync(new ListSignersRequest()), StatusCode.Unauthenticated, "CREDENTIAL_INVALID");
    }

    [Theory]
    [InlineData("rsa-1024")]
    [InlineData("brainpool")]
    [InlineData("garbage")]
    public async Task Service_account_keys_must_be_rsa_2048_or_p256_p384(string kind)
    {
        using AsymmetricAlgorithm? key = kind switch
        {
            "rsa-1024" => RSA.Create(1024),
            "brainpool" => ECDsa.Create(ECCurve.NamedCurves.brainpoolP256r1),
            _ => null,
        };
        var encoded = key?.ExportSubjectPublicKeyInfo() ?? "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"u8.ToArray();
        var info = await Rpc.FailsAsync(() => fixture.Admin.Identity.AddServiceAccountKeyAsync(new AddServiceAccountKeyRequest
        {
            ServiceAccount = "ci-bot", PublicKey = ByteString.CopyFrom(encoded),
        }), StatusCode.InvalidArgument, "INVALID_ARGUMENT");
        Assert.Equal("public_key", info.Metadata["field"]);
        var account = await fixture.Admin.Identity.GetServiceAccountAsync(new GetServiceAccountRequest { ServiceAccount = "ci-bot" });
        Assert.Equal(fixture.KeyId, Assert.Single(account.Keys).KeyId);
    }

    private async Task<int> CountAsync(string type) => (await EventsAsync(type)).Count;

    private async Task<IReadOnlyList<AuditEvent>> EventsAsync(string type) =>
        (await fixture.Admin.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest { Filter = new AuditFilter { Types_ = { type } }, PageSize = 1000 })).Events;
}
