using System.Security.Cryptography;
using CodeSigning.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace CodeSigning.Server.Tests.Server;

/// <summary>
/// Archived Signers (no signing, no changes, audit and certificates kept and readable) and archived
/// users and service accounts (credentials dead on the next call, never enabled again, joining nothing).
/// </summary>
public sealed class ArchiveTests(ArchiveTests.Fixture fixture) : IClassFixture<ArchiveTests.Fixture>
{
    public sealed class Fixture : InProcessServer
    {
        public Clients Operator { get; private set; } = null!;

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            Operator = (await CreateUserAsync("operator")).Clients;
            await CreateUserAsync("newcomer");
        }
    }

    [Fact]
    public async Task An_archived_Signer_refuses_signing_and_changes_but_keeps_its_audit_and_certificates()
    {
        var created = await fixture.CreateSignerAsync("retired", KeyAlgorithm.EcP256, ("admin", Role.Administrator), ("operator", Role.Operator));
        await fixture.Operator.Sign.SignAsync(Request());
        await Rpc.FailsAsync(() => fixture.Operator.Signers.ArchiveSignerAsync(new ArchiveSignerRequest { Signer = "retired" }), StatusCode.PermissionDenied, "ROLE_FORBIDS");

        var archived = await fixture.Admin.Signers.ArchiveSignerAsync(new ArchiveSignerRequest { Signer = "retired" });
        Assert.NotNull(archived.ArchivedAt);
        Assert.False(archived.Enabled);

        var info = await Rpc.FailsAsync(() => fixture.Operator.Sign.SignAsync(Request()), StatusCode.FailedPrecondition, "SIGNER_ARCHIVED");
        Assert.Equal(created.Id, info.Metadata["signer_id"]);
        await Rpc.FailsAsync(() => fixture.Admin.Members.SetMemberAsync(new SetMemberRequest { Signer = "retired", Principal = InProcessServer.UserRef("newcomer"), Role = Role.Operator }),
            StatusCode.FailedPrecondition, "SIGNER_ARCHIVED");
        await Rpc.FailsAsync(() => fixture.Admin.Members.RemoveMemberAsync(new RemoveMemberRequest { Signer = "retired", Principal = InProcessServer.UserRef("operator") }),
            StatusCode.FailedPrecondition, "SIGNER_ARCHIVED");
        await Rpc.FailsAsync(() => fixture.Admin.Signers.SetSignerEnabledAsync(new SetSignerEnabledRequest { Signer = "retired", Enabled = true }),
            StatusCode.FailedPrecondition, "SIGNER_ARCHIVED");
        await Rpc.FailsAsync(() => fixture.Admin.Signers.RenewCertificateAsync(new RenewCertificateRequest { Signer = "retired" }), StatusCode.FailedPrecondition, "SIGNER_ARCHIVED");
        await Rpc.FailsAsync(() => fixture.Admin.Signers.ArchiveSignerAsync(new ArchiveSignerRequest { Signer = "retired" }), StatusCode.FailedPrecondition, "SIGNER_ARCHIVED");
        await Rpc.FailsAsync(() => fixture.Admin.Approvals.SetApprovalPolicyAsync(new SetApprovalPolicyRequest
        {
            Signer = "retired", Policy = new ApprovalPolicy { ApprovalsRequired = 1, Approvers = { InProcessServer.UserRef("admin") } },
        }), StatusCode.FailedPrecondition, "SIGNER_ARCHIVED");

        // Nothing changed: same members, same certificate, still disabled; both readable and exportable.
        var members = await fixture.Admin.Members.ListMembersAsync(new ListMembersRequest { Signer = "retired" });
        Assert.Equal(["admin", "operator"], members.Members.Select(m => m.Principal.Name).Order());
        var shown = await fixture.Operator.Signers.GetSignerAsync(new GetSignerRequest { Signer = "retired" });
        Assert.Equal((created.CertificateChain, false), (shown.CertificateChain, shown.Enabled));
        Assert.Equal(archived.ArchivedAt.ToDateTimeOffset(), shown.ArchivedAt.ToDateTimeOffset(), TimeSpan.FromMilliseconds(1));
        Assert.Equal(created.CertificateChain, (await fixture.Admin.Signers.ExportCertificateChainAsync(new ExportCertificateChainRequest { Signer = "retired" })).CertificateChain);
        Assert.Contains((await fixture.Admin.Signers.ListSignersAsync(new ListSignersRequest())).Signers, s => s.Name == "retired" && s.ArchivedAt is not null);

        var audit = (await fixture.Operator.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest { Filter = new AuditFilter { Signer = "retired" }, PageSize = 1000 })).Events;
        Assert.Contains(audit, e => e.Type == "signature.created" && e.Outcome == AuditOutcome.Success);
        Assert.Contains(audit, e => e.Type == "signer.archived" && e.Actor.Name == "admin");
        Assert.Contains(audit, e => e.Type == "signature.denied" && e.Reason == "SIGNER_ARCHIVED");
        Assert.Contains(audit, e => e.Type == "member.set" && e.Outcome == AuditOutcome.Denied && e.Reason == "SIGNER_ARCHIVED");
    }

    [Fact]
    public async Task An_archived_user_is_refused_on_the_next_call_and_can_never_be_enabled_or_join_anything()
    {
        var (_, leaver, _) = await fixture.CreateUserAsync("leaver");
        await fixture.CreateSignerAsync("team", KeyAlgorithm.EcP256, ("admin", Role.Administrator), ("leaver", Role.Operator));
        Assert.Equal("leaver", (await leaver.Identity.WhoAmIAsync(new Empty())).Principal.Name);
        await Rpc.FailsAsync(() => leaver.Identity.ArchiveUserAsync(new ArchiveUserRequest { User = "leaver" }), StatusCode.PermissionDenied, "PRODUCT_ADMIN_REQUIRED");

        var archived = await fixture.Admin.Identity.ArchiveUserAsync(new ArchiveUserRequest { User = "leaver" });
        Assert.Equal((false, true), (archived.Enabled, archived.ArchivedAt is not null));

        await Rpc.FailsAsync(() => leaver.Identity.WhoAmIAsync(new Empty()), StatusCode.Unauthenticated, "CREDENTIAL_REVOKED");
        await Rpc.FailsAsync(() => fixture.Admin.Identity.SetUserEnabledAsync(new SetUserEnabledRequest { User = "leaver", Enabled = true }),
            StatusCode.FailedPrecondition, "PRINCIPAL_ARCHIVED");
        await Rpc.FailsAsync(() => fixture.Admin.Identity.CreateApiKeyAsync(new CreateApiKeyRequest { User = "leaver", Description = "again" }),
            StatusCode.FailedPrecondition, "PRINCIPAL_ARCHIVED");
        await Rpc.FailsAsync(() => fixture.Admin.Members.SetMemberAsync(new SetMemberRequest { Signer = "team", Principal = InProcessServer.UserRef("leaver"), Role = Role.Auditor }),
            StatusCode.FailedPrecondition, "PRINCIPAL_ARCHIVED");
        await Rpc.FailsAsync(() => fixture.Admin.Identity.ArchiveUserAsync(new ArchiveUserRequest { User = "leaver" }), StatusCode.FailedPrecondition, "PRINCIPAL_ARCHIVED");

        var user = (await fixture.Admin.Identity.ListUsersAsync(new ListUsersRequest())).Users.Single(u => u.Name == "leaver");
        Assert.Equal((false, archived.ArchivedAt!.Seconds), (user.Enabled, user.ArchivedAt?.Seconds));
        var keys = (await fixture.Admin.Identity.ListApiKeysAsync(new ListApiKeysRequest { User = "leaver", IncludeRevoked = true })).ApiKeys;
        Assert.NotEmpty(keys);
        Assert.All(keys, k => Assert.True(k.Revoked));
        // Its history stays: the membership it had, and the audit trail.
        Assert.Contains((await fixture.Admin.Members.ListMembersAsync(new ListMembersRequest { Signer = "team" })).Members, m => m.Principal.Name == "leaver" && m.Role == Role.Operator);
        var audit = (await fixture.Admin.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest { Filter = new AuditFilter { Types_ = { "user." } }, PageSize = 1000 })).Events;
        Assert.Contains(audit, e => e.Type == "user.archived" && e.Outcome == AuditOutcome.Success && e.Details["user"] == "leaver");
        Assert.Contains(audit, e => e.Type == "user.enabled" && e.Outcome == AuditOutcome.Denied && e.Reason == "PRINCIPAL_ARCHIVED");
    }

    [Fact]
    public async Task An_archived_service_account_loses_its_token_on_the_next_call_and_gets_no_new_one()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await fixture.Admin.Identity.CreateServiceAccountAsync(new CreateServiceAccountRequest { Name = "old-bot" });
        var registered = await fixture.Admin.Identity.AddServiceAccountKeyAsync(new AddServiceAccountKeyRequest
        {
            ServiceAccount = "old-bot", PublicKey = ByteString.CopyFromUtf8(key.ExportSubjectPublicKeyInfoPem()),
        });
        var audience = (await fixture.As("none").Tokens.GetServerInfoAsync(new Empty())).TokenAudience;
        string Assertion() => ServiceAccountAssertion.Create("old-bot", registered.KeyId, key, audience, TimeSpan.FromMinutes(2), fixture.Clock.GetUtcNow());
        var token = await fixture.As("none").Tokens.ExchangeAssertionAsync(new ExchangeAssertionRequest { Assertion = Assertion() });
        var bot = fixture.As(token.AccessToken);
        Assert.Equal("old-bot", (await bot.Identity.WhoAmIAsync(new Empty())).Principal.Name);

        var archived = await fixture.Admin.Identity.ArchiveServiceAccountAsync(new ArchiveServiceAccountRequest { ServiceAccount = "old-bot" });
        Assert.Equal((false, true), (archived.Enabled, archived.ArchivedAt is not null));

        await Rpc.FailsAsync(() => bot.Identity.WhoAmIAsync(new Empty()), StatusCode.Unauthenticated, "CREDENTIAL_REVOKED");
        await Rpc.FailsAsync(() => fixture.As("none").Tokens.ExchangeAssertionAsync(new ExchangeAssertionRequest { Assertion = Assertion() }),
            StatusCode.Unauthenticated, "CREDENTIAL_REVOKED");
        await Rpc.FailsAsync(() => fixture.Admin.Identity.SetServiceAccountEnabledAsync(new SetServiceAccountEnabledRequest { ServiceAccount = "old-bot", Enabled = true }),
            StatusCode.FailedPrecondition, "PRINCIPAL_ARCHIVED");
        await Rpc.FailsAsync(() => fixture.Admin.Identity.AddServiceAccountKeyAsync(new AddServiceAccountKeyRequest
        {
            ServiceAccount = "old-bot", PublicKey = ByteString.CopyFromUtf8(ECDsa.Create(ECCurve.NamedCurves.nistP256).ExportSubjectPublicKeyInfoPem()),
        }), StatusCode.FailedPrecondition, "PRINCIPAL_ARCHIVED");
        Assert.NotNull((await fixture.Admin.Identity.GetServiceAccountAsync(new GetServiceAccountRequest { ServiceAccount = "old-bot" })).ArchivedAt);
    }

    private static SignRequest Request() =>
        SignTests.Request("retired", SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, System.Security.Cryptography.SHA256.HashData("archived"u8));
}
