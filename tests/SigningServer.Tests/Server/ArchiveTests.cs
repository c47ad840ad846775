using CodeSigning.V1;
using Grpc.Core;

namespace CodeSigning.Server.Tests.Server;

/// <summary>An archived Signer: no signing, no changes, audit and certificates kept and readable.</summary>
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

    private static SignRequest Request() =>
        SignTests.Request("retired", SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, System.Security.Cryptography.SHA256.HashData("archived"u8));
}
