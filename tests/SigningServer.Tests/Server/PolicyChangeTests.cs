using CodeSigning.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace CodeSigning.Server.Tests.Server;

/// <summary>
/// What a policy change does: caps apply at every signature against the policy in force, replacing
/// or clearing a policy cancels pending requests, edits keep what they do not name, a policy cannot
/// be made unsatisfiable, and self-pre-approval follows the policy. Each test on a Signer of its own.
/// </summary>
public sealed class PolicyChangeTests(PolicyChangeTests.Fixture fixture) : IClassFixture<PolicyChangeTests.Fixture>
{
    public sealed class Fixture : InProcessServer
    {
        public Clients Requester { get; private set; } = null!;
        public Clients Approver { get; private set; } = null!;
        public Clients Lead { get; private set; } = null!;

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            Requester = (await CreateUserAsync("requester")).Clients;
            Approver = (await CreateUserAsync("approver")).Clients;
            Lead = (await CreateUserAsync("lead")).Clients;
            await Admin.Members.CreateGroupAsync(new CreateGroupRequest { Name = "approvers" });
            await Admin.Members.AddGroupMemberAsync(new AddGroupMemberRequest { Group = "approvers", Principal = UserRef("approver") });
        }

        /// <summary>A Signer (admin Administrator, requester Operator) whose policy names the "approvers" group and "lead".</summary>
        public async Task<string> GuardedSignerAsync(string name, int approvals = 1, long maxSignatures = 0, TimeSpan? maxWindow = null)
        {
            await CreateSignerAsync(name, KeyAlgorithm.EcP256, ("admin", Role.Administrator), ("requester", Role.Operator));
            var policy = new ApprovalPolicy
            {
                ApprovalsRequired = approvals,
                Approvers = { new PrincipalRef { Kind = PrincipalKind.Group, Name = "approvers" }, UserRef("lead") },
                MaxSignaturesPerGrant = maxSignatures,
            };
            if (maxWindow is { } window)
            {
                policy.MaxGrantWindow = Duration.FromTimeSpan(window);
            }
            await SetPolicyAsync(name, policy);
            return name;
        }

        public Task<ApprovalPolicy> SetPolicyAsync(string signer, ApprovalPolicy policy) =>
            Admin.Approvals.SetApprovalPolicyAsync(new SetApprovalPolicyRequest { Signer = signer, Policy = policy }).ResponseAsync;
    }

    // ---- item 6: caps at every signature, pending requests on change ----

    [Fact]
    public async Task A_lowered_signature_cap_stops_a_live_grant_at_the_next_signature_and_keeps_its_units()
    {
        var signer = await fixture.GuardedSignerAsync("tightened-count", maxSignatures: 10);
        var grant = await ApprovedGrantAsync(signer, 10);
        for (var i = 0; i < 3; i++)
        {
            await fixture.Requester.Sign.SignAsync(SignRequest(signer));
        }

        await fixture.SetPolicyAsync(signer, new ApprovalPolicy { MaxSignaturesPerGrant = 3 });
        var before = await EventCountAsync();

        await Rpc.FailsAsync(() => fixture.Requester.Sign.SignAsync(SignRequest(signer)), StatusCode.FailedPrecondition, "APPROVAL_REQUIRED");

        var denied = Assert.Single(await EventsAfterAsync(before));
        Assert.Equal(("signature.denied", "APPROVAL_REQUIRED", "requester"), (denied.Type, denied.Reason, denied.Actor.Name));
        var stored = Assert.Single((await fixture.Admin.Approvals.ListGrantsAsync(new ListGrantsRequest { Signer = signer, IncludeSpent = true })).Grants);
        Assert.Equal((grant, 10L, 3L), (stored.Id, stored.SignaturesAllowed, stored.SignaturesUsed));
        Assert.Empty((await fixture.Admin.Approvals.ListGrantsAsync(new ListGrantsRequest { Signer = signer })).Grants);

        // Loosened again, the same grant signs on, and its remaining count follows the policy.
        await fixture.SetPolicyAsync(signer, new ApprovalPolicy { MaxSignaturesPerGrant = 5 });
        Assert.Equal(1, (await fixture.Requester.Sign.SignAsync(SignRequest(signer))).GrantSignaturesRemaining);
    }

    [Fact]
    public async Task A_shortened_window_cap_ends_a_live_grant_without_consuming_it()
    {
        var signer = await fixture.GuardedSignerAsync("tightened-window");
        await ApprovedGrantAsync(signer, 5, TimeSpan.FromHours(8));
        await fixture.Requester.Sign.SignAsync(SignRequest(signer));

        await fixture.SetPolicyAsync(signer, new ApprovalPolicy { MaxGrantWindow = Duration.FromTimeSpan(TimeSpan.FromHours(1)) });
        await fixture.Requester.Sign.SignAsync(SignRequest(signer));
        fixture.Clock.Advance(TimeSpan.FromMinutes(61));

        await Rpc.FailsAsync(() => fixture.Requester.Sign.SignAsync(SignRequest(signer)), StatusCode.FailedPrecondition, "APPROVAL_REQUIRED");
        var stored = Assert.Single((await fixture.Admin.Approvals.ListGrantsAsync(new ListGrantsRequest { Signer = signer, IncludeSpent = true })).Grants);
        Assert.Equal(2, stored.SignaturesUsed);
    }

    [Fact]
    public async Task Replacing_a_policy_cancels_pending_requests_and_audits_each()
    {
        var signer = await fixture.GuardedSignerAsync("replaced", approvals: 2);
        var request = await CreateRequestAsync(signer, 1);
        await fixture.Approver.Approvals.ApproveSigningRequestAsync(new DecideSigningRequestRequest { RequestId = request.Id });
        var before = await EventCountAsync();

        await fixture.SetPolicyAsync(signer, new ApprovalPolicy { ApprovalsRequired = 1 });

        var events = await EventsAfterAsync(before);
        var cancelled = Assert.Single(events, e => e.Type == "request.cancelled");
        Assert.Equal((request.Id, "policy changed", "admin", signer), (cancelled.Details["request_id"], cancelled.Details["reason"], cancelled.Actor.Name, cancelled.SignerName));
        Assert.Equal("1", Assert.Single(events, e => e.Type == "policy.set").Details["requests_cancelled"]);
        Assert.Equal(SigningRequestState.Cancelled, (await fixture.Requester.Approvals.GetSigningRequestAsync(new GetSigningRequestRequest { RequestId = request.Id })).State);
        // The approval given under the old policy no longer counts for anything.
        await Rpc.FailsAsync(() => fixture.Lead.Approvals.ApproveSigningRequestAsync(new DecideSigningRequestRequest { RequestId = request.Id }),
            StatusCode.FailedPrecondition, "REQUEST_NOT_PENDING");
        Assert.Empty((await fixture.Admin.Approvals.ListGrantsAsync(new ListGrantsRequest { Signer = signer, IncludeSpent = true })).Grants);
    }

    [Fact]
    public async Task Clearing_a_policy_cancels_pending_requests_and_members_sign_at_once()
    {
        var signer = await fixture.GuardedSignerAsync("cleared");
        var request = await CreateRequestAsync(signer, 1);
        var before = await EventCountAsync();

        await fixture.Admin.Approvals.ClearApprovalPolicyAsync(new ClearApprovalPolicyRequest { Signer = signer });

        var cancelled = Assert.Single(await EventsAfterAsync(before), e => e.Type == "request.cancelled");
        Assert.Equal((request.Id, "policy cleared"), (cancelled.Details["request_id"], cancelled.Details["reason"]));
        Assert.Equal(SigningRequestState.Cancelled, (await fixture.Requester.Approvals.GetSigningRequestAsync(new GetSigningRequestRequest { RequestId = request.Id })).State);
        await fixture.Requester.Sign.SignAsync(SignRequest(signer));
    }

    // ---- item 8: self-pre-approval ----

    [Fact]
    public async Task A_two_approval_policy_forbids_self_pre_approval_by_default_audited_and_creates_no_grant()
    {
        var signer = await fixture.GuardedSignerAsync("four-eyes", approvals: 2);
        Assert.False((await fixture.Admin.Approvals.GetApprovalPolicyAsync(new GetApprovalPolicyRequest { Signer = signer })).AllowSelfPreapproval);
        var before = await EventCountAsync();

        var info = await Rpc.FailsAsync(() => fixture.Admin.Approvals.CreateGrantAsync(SelfGrant(signer)), StatusCode.PermissionDenied, "SELF_PREAPPROVAL_FORBIDDEN");

        Assert.Equal((await fixture.Admin.Signers.GetSignerAsync(new GetSignerRequest { Signer = signer })).Id, info.Metadata["signer_id"]);
        var denied = Assert.Single(await EventsAfterAsync(before));
        Assert.Equal(("grant.created", AuditOutcome.Denied, "SELF_PREAPPROVAL_FORBIDDEN", "admin"), (denied.Type, denied.Outcome, denied.Reason, denied.Details["grantee"]));
        Assert.Empty((await fixture.Admin.Approvals.ListGrantsAsync(new ListGrantsRequest { Signer = signer, IncludeSpent = true })).Grants);
        await Rpc.FailsAsync(() => fixture.Admin.Sign.SignAsync(SignRequest(signer)), StatusCode.FailedPrecondition, "APPROVAL_REQUIRED");

        // Pre-approving someone else stays an Administrator's right.
        await fixture.Admin.Approvals.CreateGrantAsync(new CreateGrantRequest { Signer = signer, Grantee = InProcessServer.UserRef("requester"), SignaturesAllowed = 1, Window = InProcessServer.Minutes(10) });
    }

    [Fact]
    public async Task A_policy_decides_self_pre_approval_either_way()
    {
        var one = await fixture.GuardedSignerAsync("self-default-one");
        Assert.True((await fixture.Admin.Approvals.GetApprovalPolicyAsync(new GetApprovalPolicyRequest { Signer = one })).AllowSelfPreapproval);
        await fixture.SetPolicyAsync(one, new ApprovalPolicy { AllowSelfPreapproval = false });
        await Rpc.FailsAsync(() => fixture.Admin.Approvals.CreateGrantAsync(SelfGrant(one)), StatusCode.PermissionDenied, "SELF_PREAPPROVAL_FORBIDDEN");

        var two = await fixture.GuardedSignerAsync("self-allowed-two", approvals: 2);
        await fixture.SetPolicyAsync(two, new ApprovalPolicy { AllowSelfPreapproval = true });
        await fixture.Admin.Approvals.CreateGrantAsync(SelfGrant(two));
        await fixture.Admin.Sign.SignAsync(SignRequest(two));
    }

    // ---- item 9: edits keep what they do not name; unsatisfiable policies refused ----

    [Fact]
    public async Task An_edit_keeps_every_setting_it_does_not_name()
    {
        var signer = await fixture.GuardedSignerAsync("kept", approvals: 2, maxSignatures: 7, maxWindow: TimeSpan.FromHours(2));

        var edited = await fixture.SetPolicyAsync(signer, new ApprovalPolicy { RequestTtl = Duration.FromTimeSpan(TimeSpan.FromHours(4)) });

        Assert.Equal((2, 7L, TimeSpan.FromHours(2), TimeSpan.FromHours(4), 2),
            (edited.ApprovalsRequired, edited.MaxSignaturesPerGrant, edited.MaxGrantWindow.ToTimeSpan(), edited.RequestTtl.ToTimeSpan(), edited.Approvers.Count));
        var removed = await fixture.SetPolicyAsync(signer, new ApprovalPolicy { MaxSignaturesPerGrant = 0 });
        Assert.Equal((0L, TimeSpan.FromHours(2)), (removed.MaxSignaturesPerGrant, removed.MaxGrantWindow.ToTimeSpan()));
    }

    [Fact]
    public async Task More_approvals_than_possible_approvers_are_refused_and_change_nothing()
    {
        // Possible approvers: "approver" (through the group) and "lead": two.
        var signer = await fixture.GuardedSignerAsync("unsatisfiable");
        var before = await EventCountAsync();

        var info = await Rpc.FailsAsync(() => fixture.SetPolicyAsync(signer, new ApprovalPolicy { ApprovalsRequired = 3 }), StatusCode.FailedPrecondition, "POLICY_UNSATISFIABLE");

        Assert.Equal(("2", "3"), (info.Metadata["approvers"], info.Metadata["approvals_required"]));
        var denied = Assert.Single(await EventsAfterAsync(before));
        Assert.Equal(("policy.set", "POLICY_UNSATISFIABLE"), (denied.Type, denied.Reason));
        Assert.Equal(1, (await fixture.Admin.Approvals.GetApprovalPolicyAsync(new GetApprovalPolicyRequest { Signer = signer })).ApprovalsRequired);
        await Rpc.FailsAsync(() => fixture.SetPolicyAsync(signer, new ApprovalPolicy
        {
            ApprovalsRequired = 2, Approvers = { InProcessServer.UserRef("lead") },
        }), StatusCode.FailedPrecondition, "POLICY_UNSATISFIABLE");
        await fixture.SetPolicyAsync(signer, new ApprovalPolicy { ApprovalsRequired = 2 });
    }

    [Fact]
    public async Task Removing_the_approver_a_policy_needs_is_refused_and_changes_nothing()
    {
        await fixture.Admin.Members.CreateGroupAsync(new CreateGroupRequest { Name = "sole-approvers" });
        await fixture.Admin.Members.AddGroupMemberAsync(new AddGroupMemberRequest { Group = "sole-approvers", Principal = InProcessServer.UserRef("approver") });
        await fixture.CreateSignerAsync("needs-its-group", KeyAlgorithm.EcP256, ("admin", Role.Administrator), ("requester", Role.Operator));
        await fixture.SetPolicyAsync("needs-its-group", new ApprovalPolicy { Approvers = { new PrincipalRef { Kind = PrincipalKind.Group, Name = "sole-approvers" } } });

        await Rpc.FailsAsync(() => fixture.Admin.Members.RemoveGroupMemberAsync(new RemoveGroupMemberRequest { Group = "sole-approvers", Principal = InProcessServer.UserRef("approver") }),
            StatusCode.FailedPrecondition, "POLICY_UNSATISFIABLE");
        await Rpc.FailsAsync(() => fixture.Admin.Members.DeleteGroupAsync(new DeleteGroupRequest { Group = "sole-approvers" }),
            StatusCode.FailedPrecondition, "POLICY_UNSATISFIABLE");

        var group = await fixture.Admin.Members.GetGroupAsync(new GetGroupRequest { Group = "sole-approvers" });
        Assert.Equal("approver", Assert.Single(group.Members).Name);
        Assert.Equal("sole-approvers", Assert.Single((await fixture.Admin.Approvals.GetApprovalPolicyAsync(new GetApprovalPolicyRequest { Signer = "needs-its-group" })).Approvers).Name);
    }

    private async Task<string> ApprovedGrantAsync(string signer, long count, TimeSpan? window = null)
    {
        var request = await CreateRequestAsync(signer, count, window);
        return (await fixture.Approver.Approvals.ApproveSigningRequestAsync(new DecideSigningRequestRequest { RequestId = request.Id })).GrantId;
    }

    private async Task<SigningRequest> CreateRequestAsync(string signer, long count, TimeSpan? window = null) =>
        await fixture.Requester.Approvals.CreateSigningRequestAsync(new CreateSigningRequestRequest
        {
            Signer = signer, Justification = "release", SignatureCount = count, Window = Duration.FromTimeSpan(window ?? TimeSpan.FromHours(1)),
        });

    private static CreateGrantRequest SelfGrant(string signer) =>
        new() { Signer = signer, Grantee = InProcessServer.UserRef("admin"), SignaturesAllowed = 100, Window = InProcessServer.Minutes(60) };

    private static SignRequest SignRequest(string signer) => SignTests.Request(signer, SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, new byte[32]);

    private async Task<int> EventCountAsync() =>
        (await fixture.Admin.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest { PageSize = 1000 })).Events.Count;

    private async Task<List<AuditEvent>> EventsAfterAsync(int count) =>
        (await fixture.Admin.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest { PageSize = 1000 })).Events.Skip(count).ToList();
}
