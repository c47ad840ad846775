using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using CodeSigning.Server.Domain;
using CodeSigning.Server.Tests.Server;
using CodeSigning.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace CodeSigning.Server.Tests.Security;

/// <summary>
/// The credential defects of the outside review (issue 14): assertion replay inside the clock
/// skew, tokens outliving their key or a disable, API keys minting longer-lived successors.
/// </summary>
public sealed class ReviewAuthTests(ReviewAuthTests.Fixture fixture) : IClassFixture<ReviewAuthTests.Fixture>
{
    private const string Account = "review-bot";
    private const string SignerName = "review-signer";

    public sealed class Fixture : InProcessServer
    {
        public ECDsa FirstKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        public string FirstKeyId { get; private set; } = "";
        public string Audience { get; private set; } = "";

        // These tests fail on purpose many times a minute; the address limit has its own tests.
        protected override ServerSettings Settings => new() { AuthFailuresPerMinute = 1000 };

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            await Admin.Identity.CreateServiceAccountAsync(new CreateServiceAccountRequest { Name = Account });
            FirstKeyId = await AddKeyAsync(FirstKey);
            Audience = (await As("none").Tokens.GetServerInfoAsync(new Empty())).TokenAudience;
            var request = new CreateSignerRequest { Name = SignerName, KeyAlgorithm = KeyAlgorithm.EcP256, CertificateAuthority = CertificateAuthorityKind.Internal };
            request.Members.Add(new MemberSpec { Principal = UserRef("admin"), Role = Role.Administrator });
            request.Members.Add(new MemberSpec { Principal = new PrincipalRef { Kind = PrincipalKind.ServiceAccount, Name = Account }, Role = Role.Operator });
            await Admin.Signers.CreateSignerAsync(request);
        }

        public async Task<string> AddKeyAsync(ECDsa key) =>
            (await Admin.Identity.AddServiceAccountKeyAsync(new AddServiceAccountKeyRequest
            {
                ServiceAccount = Account, PublicKey = ByteString.CopyFromUtf8(key.ExportSubjectPublicKeyInfoPem()),
            })).KeyId;

        public string Assertion(ECDsa key, string keyId, TimeSpan lifetime) =>
            ServiceAccountAssertion.Create(Account, keyId, key, Audience, lifetime, Clock.GetUtcNow());

        public Task<ExchangeAssertionResponse> ExchangeAsync(string assertion) =>
            As("none").Tokens.ExchangeAssertionAsync(new ExchangeAssertionRequest { Assertion = assertion }).ResponseAsync;

        public async Task<IReadOnlyList<AuditEvent>> EventsAsync(string type) =>
            (await Admin.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest { Filter = new AuditFilter { Types_ = { type } }, PageSize = 1000 })).Events;
    }

    private static SignRequest SignCall() => SignTests.Request(SignerName, SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, new byte[32]);

    // Item 1: the jti is kept for exp + skew, the whole time the validator accepts the assertion.
    [Fact]
    public async Task An_assertion_is_used_once_even_inside_the_clock_skew_after_its_exp()
    {
        var assertion = fixture.Assertion(fixture.FirstKey, fixture.FirstKeyId, TimeSpan.FromSeconds(4));
        var start = fixture.Clock.GetUtcNow();
        var issuedBefore = (await fixture.EventsAsync("token.issued")).Count;
        var failedBefore = (await fixture.EventsAsync("auth.failed")).Count;

        var token = await fixture.ExchangeAsync(assertion);
        foreach (var second in new[] { 1, 7, 24 })
        {
            fixture.Clock.Advance(start.AddSeconds(second) - fixture.Clock.GetUtcNow());
            await Rpc.FailsAsync(() => fixture.ExchangeAsync(assertion), StatusCode.Unauthenticated, "ASSERTION_REPLAYED");
        }

        var issued = (await fixture.EventsAsync("token.issued")).Skip(issuedBefore).ToList();
        var single = Assert.Single(issued);
        Assert.Equal(token.AccessToken.Split('_')[1], single.Details["access_token_id"]);
        Assert.Equal(JtiOf(assertion), single.Details["jti"]);
        var failed = (await fixture.EventsAsync("auth.failed")).Skip(failedBefore).ToList();
        Assert.Equal(3, failed.Count);
        Assert.All(failed, e => Assert.Equal(("ASSERTION_REPLAYED", Account), (e.Reason, e.Actor.Name)));
    }

    // Item 4: a token dies with the key whose assertion obtained it; the account's other tokens live on.
    [Fact]
    public async Task Removing_a_key_revokes_the_tokens_it_obtained_and_only_those()
    {
        using var secondKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var secondKeyId = await fixture.AddKeyAsync(secondKey);
        var doomed = fixture.As((await fixture.ExchangeAsync(fixture.Assertion(secondKey, secondKeyId, TimeSpan.FromMinutes(1)))).AccessToken);
        var kept = fixture.As((await fixture.ExchangeAsync(fixture.Assertion(fixture.FirstKey, fixture.FirstKeyId, TimeSpan.FromMinutes(1)))).AccessToken);
        await doomed.Sign.SignAsync(SignCall());
        var doomedId = (await doomed.Identity.WhoAmIAsync(new Empty())).CredentialId;

        await fixture.Admin.Identity.RemoveServiceAccountKeyAsync(new RemoveServiceAccountKeyRequest { ServiceAccount = Account, KeyId = secondKeyId });
        var failedBefore = (await fixture.EventsAsync("auth.failed")).Count;

        await Rpc.FailsAsync(() => doomed.Sign.SignAsync(SignCall()), StatusCode.Unauthenticated, "CREDENTIAL_REVOKED");
        await kept.Sign.SignAsync(SignCall());

        var failed = (await fixture.EventsAsync("auth.failed")).Skip(failedBefore).ToList();
        Assert.Equal(("CREDENTIAL_REVOKED", doomedId), (Assert.Single(failed).Reason, failed[0].Details["credential_id"]));
        var removed = (await fixture.EventsAsync("service_account.key_removed"))[^1];
        Assert.Equal((secondKeyId, "1"), (removed.Details["key_id"], removed.Details["access_tokens_revoked"]));
    }

    // Item 4: a disable is for good; enabling the account again needs new assertions.
    [Fact]
    public async Task A_disabled_then_enabled_account_does_not_get_its_old_tokens_back()
    {
        var old = fixture.As((await fixture.ExchangeAsync(fixture.Assertion(fixture.FirstKey, fixture.FirstKeyId, TimeSpan.FromMinutes(1)))).AccessToken);
        await old.Sign.SignAsync(SignCall());

        await fixture.Admin.Identity.SetServiceAccountEnabledAsync(new SetServiceAccountEnabledRequest { ServiceAccount = Account, Enabled = false });
        await fixture.Admin.Identity.SetServiceAccountEnabledAsync(new SetServiceAccountEnabledRequest { ServiceAccount = Account, Enabled = true });

        await Rpc.FailsAsync(() => old.Sign.SignAsync(SignCall()), StatusCode.Unauthenticated, "CREDENTIAL_REVOKED");
        var fresh = fixture.As((await fixture.ExchangeAsync(fixture.Assertion(fixture.FirstKey, fixture.FirstKeyId, TimeSpan.FromMinutes(1)))).AccessToken);
        await fresh.Sign.SignAsync(SignCall());
        var disabled = (await fixture.EventsAsync("service_account.disabled"))[^1];
        Assert.NotEqual("0", disabled.Details["access_tokens_revoked"]);
    }

    // Item 5: a key a user mints for themselves ends when the key it was minted with ends.
    [Fact]
    public async Task A_key_made_with_a_key_for_oneself_does_not_outlive_it()
    {
        await fixture.Admin.Identity.CreateUserAsync(new CreateUserRequest { Name = "mallory" });
        var first = await fixture.Admin.Identity.CreateApiKeyAsync(new CreateApiKeyRequest { User = "mallory", Ttl = Duration.FromTimeSpan(TimeSpan.FromHours(1)) });

        var successor = await fixture.As(first.Secret).Identity.CreateApiKeyAsync(new CreateApiKeyRequest { Ttl = Duration.FromTimeSpan(TimeSpan.FromDays(365)) });

        // The store keeps milliseconds.
        Assert.Equal(first.ApiKey.ExpiresAt.ToDateTimeOffset().ToUnixTimeMilliseconds(), successor.ApiKey.ExpiresAt.ToDateTimeOffset().ToUnixTimeMilliseconds());
        Assert.Equal(first.ApiKey.Id, successor.ApiKey.CreatedByApiKeyId);
        var created = (await fixture.EventsAsync("apikey.created"))[^1];
        Assert.Equal((successor.ApiKey.Id, first.ApiKey.Id), (created.Details["api_key_id"], created.Details["clamped_to_expiry_of"]));
        fixture.Clock.Advance(TimeSpan.FromHours(1));
        await Rpc.FailsAsync(() => fixture.As(successor.Secret).Identity.WhoAmIAsync(new Empty()), StatusCode.Unauthenticated, "CREDENTIAL_EXPIRED");
    }

    // Item 5: revoke the stolen key, and everything it minted (for its user or, as an admin, for others) goes too.
    [Fact]
    public async Task Revoking_a_key_revokes_the_keys_made_with_it_however_deep()
    {
        await fixture.Admin.Identity.CreateUserAsync(new CreateUserRequest { Name = "stolen-admin", ProductAdmin = true });
        var stolen = await fixture.Admin.Identity.CreateApiKeyAsync(new CreateApiKeyRequest { User = "stolen-admin" });
        var unrelated = await fixture.Admin.Identity.CreateApiKeyAsync(new CreateApiKeyRequest { User = "stolen-admin" });
        var thief = fixture.As(stolen.Secret);
        await thief.Identity.CreateUserAsync(new CreateUserRequest { Name = "thief-puppet" });
        var forOther = await thief.Identity.CreateApiKeyAsync(new CreateApiKeyRequest { User = "thief-puppet", Ttl = Duration.FromTimeSpan(TimeSpan.FromDays(365)) });
        var grandchild = await fixture.As(forOther.Secret).Identity.CreateApiKeyAsync(new CreateApiKeyRequest());
        Assert.Equal(TimeSpan.FromDays(365), forOther.ApiKey.ExpiresAt.ToDateTimeOffset() - fixture.Clock.GetUtcNow());

        await fixture.Admin.Identity.RevokeApiKeyAsync(new RevokeApiKeyRequest { ApiKeyId = stolen.ApiKey.Id });

        foreach (var secret in new[] { stolen.Secret, forOther.Secret, grandchild.Secret })
        {
            await Rpc.FailsAsync(() => fixture.As(secret).Identity.WhoAmIAsync(new Empty()), StatusCode.Unauthenticated, "CREDENTIAL_REVOKED");
        }
        await fixture.As(unrelated.Secret).Identity.WhoAmIAsync(new Empty());
        var revoked = (await fixture.EventsAsync("apikey.revoked"))[^1];
        Assert.Equal(stolen.ApiKey.Id, revoked.Details["api_key_id"]);
        Assert.Equal(new[] { forOther.ApiKey.Id, grandchild.ApiKey.Id }.Order(), revoked.Details["also_revoked_api_key_ids"].Split(',').Order());
    }

    // Item 5: an admin revokes all of a user's keys at once; anyone else is refused and nothing is revoked.
    [Fact]
    public async Task An_admin_revokes_all_keys_of_a_user_at_once_and_no_one_else_may()
    {
        await fixture.Admin.Identity.CreateUserAsync(new CreateUserRequest { Name = "leaky" });
        var keys = new List<CreateApiKeyResponse>();
        for (var i = 0; i < 3; i++)
        {
            keys.Add(await fixture.Admin.Identity.CreateApiKeyAsync(new CreateApiKeyRequest { User = "leaky" }));
        }
        var (_, other, _) = await fixture.CreateUserAsync("bystander");
        var deniedBefore = (await fixture.EventsAsync("apikey.revoked_all")).Count;

        await Rpc.FailsAsync(() => other.Identity.RevokeUserApiKeysAsync(new RevokeUserApiKeysRequest { User = "leaky" }), StatusCode.PermissionDenied, "PRODUCT_ADMIN_REQUIRED");
        await fixture.As(keys[0].Secret).Identity.WhoAmIAsync(new Empty());
        var denied = (await fixture.EventsAsync("apikey.revoked_all")).Skip(deniedBefore).Single();
        Assert.Equal((AuditOutcome.Denied, "bystander"), (denied.Outcome, denied.Actor.Name));

        var response = await fixture.Admin.Identity.RevokeUserApiKeysAsync(new RevokeUserApiKeysRequest { User = "leaky" });

        Assert.Equal(keys.Select(k => k.ApiKey.Id).Order(), response.RevokedApiKeyIds.Order());
        foreach (var key in keys)
        {
            await Rpc.FailsAsync(() => fixture.As(key.Secret).Identity.WhoAmIAsync(new Empty()), StatusCode.Unauthenticated, "CREDENTIAL_REVOKED");
        }
        await fixture.Admin.Identity.WhoAmIAsync(new Empty());
        var done = (await fixture.EventsAsync("apikey.revoked_all"))[^1];
        Assert.Equal((AuditOutcome.Success, "leaky", "3"), (done.Outcome, done.Details["user"], done.Details["revoked_count"]));
    }

    private static string JtiOf(string assertion)
    {
        using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(assertion.Split('.')[1]));
        return payload.RootElement.GetProperty("jti").GetString()!;
    }
}
