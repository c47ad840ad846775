using CodeSigning.V1;
using Grpc.Core;

namespace CodeSigning.Server.Tests.Server;

/// <summary>Approval policies, signing requests, grants and their caps; each test on a Signer of its own.</summary>
public sealed class ApprovalTests(ApprovalTests.Fixture fixture) : IClassFixture<ApprovalTests.Fixture>
{
    public sealed class Fixture : InProcessServer
    {
        public Clients Requester { get; private set; } = null!;
        public Clients Colleague { get; private set; } = null!;
        public Clients Approver { get; private set; } = null!;
        public Clients Lead { get; private set; } = null!;

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            Requester = (await CreateUserAsync("requester")).Clients;
            Colleague = (await CreateUserAsync("colleague")).Clients;
            Approver = (await CreateUserAsync("approver")).Clients;
            Lead = (await CreateUserAsync("lead")).Clients;
            await Admin.Members.CreateGroupAsync(new CreateGroupRequest { Name = "approvers" });
            await Admin.Members.AddGroupMemberAsync(new AddGroupMemberRequest { Group = "approvers", Principal = UserRef("approver") });
        }

        /// <summary>A Signer whose policy needs <paramref name="approvals"/> approvals from the "approvers" group or "lead".</summary>
        public async Task<string> GuardedSignerAsync(string name, int approvals = 1, long maxSignatures = 0, TimeSpan? maxWindow = null, TimeSpan? requestTtl = null)
        {
            await CreateSignerAsync(name, KeyAlgorithm.EcP256,
                ("admin", Role.Administrator), ("requester", Role.Operator), ("colleague", Role.Operator), ("lead", Role.Operator));
            var policy = new ApprovalPolicy
            {
                ApprovalsRequired = approvals,
                Approvers = { new PrincipalRef { Kind = PrincipalKind.Group, Name = "approvers" }, UserRef("lead") },
                MaxSignaturesPerGrant = maxSignatures,
            };
            if (maxWindow is { } window)
            {
                policy.MaxGrantWindow = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(window);
            }
            if (requestTtl is { } ttl)
            {
                policy.RequestTtl = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(ttl);
            }
            await Admin.Approvals.SetApprovalPolicyAsync(new SetApprovalPolicyRequest { Signer = name, Policy = policy });
            return name;
        }
    }

    [Fact]
    public async Task Without_a_grant_signing_needs_approval_and_names_the_pending_request()
    {
        var signer = await fixture.GuardedSignerAsync("needs-approval");
        var info = await Rpc.FailsAsync(() => fixture.Requester.Sign.SignAsync(SignRequest(signer)), StatusCode.FailedPrecondition, "APPROVAL_REQUIRED");
        Assert.False(info.Metadata.ContainsKey("pending_request_id"));
        Assert.Equal((await fixture.Admin.Signers.GetSignerAsync(new GetSignerRequest { Signer = signer })).Id, info.Metadata["signer_id"]);

        var request = await CreateRequestAsync(fixture.Requester, signer, 1);
        info = await Rpc.FailsAsync(() => fixture.Requester.Sign.SignAsync(SignRequest(signer)), StatusCode.FailedPrecondition, "APPROVAL_REQUIRED");
        Assert.Equal(request.Id, info.Metadata["pending_request_id"]);
    }

    [Fact]
    public async Task An_approved_request_grants_exactly_its_signature_count()
    {
        var signer = await fixture.GuardedSignerAsync("count-cap");
        var request = await CreateRequestAsync(fixture.Requester, signer, 3);
        var approved = await fixture.Approver.Approvals.ApproveSigningRequestAsync(new DecideSigningRequestRequest { RequestId = request.Id, Comment = "ok" });
        Assert.Equal(SigningRequestState.Approved, approved.State);
        Assert.Equal("approver", Assert.Single(approved.Decisions).Approver.Name);

        for (var remaining = 2; remaining >= 0; remaining--)
        {
            var signed = await fixture.Requester.Sign.SignAsync(SignRequest(signer));
            Assert.Equal(approved.GrantId, signed.GrantId);
            Assert.Equal(remaining, signed.GrantSignaturesRemaining);
        }
        await Rpc.FailsAsync(() => fixture.Requester.Sign.SignAsync(SignRequest(signer)), StatusCode.FailedPrecondition, "APPROVAL_REQUIRED");
        // The grant is the requester's alone.
        await Rpc.FailsAsync(() => fixture.Colleague.Sign.SignAsync(SignRequest(signer)), StatusCode.FailedPrecondition, "APPROVAL_REQUIRED");

        var grant = Assert.Single((await fixture.Admin.Approvals.ListGrantsAsync(new ListGrantsRequest { Signer = signer, IncludeSpent = true })).Grants);
        Assert.Equal((3L, 3L), (grant.SignaturesAllowed, grant.SignaturesUsed));
    }

    [Fact]
    public async Task Two_approvals_are_needed_when_the_policy_says_so()
    {
        var signer = await fixture.GuardedSignerAsync("two-approvals", approvals: 2);
        var request = await CreateRequestAsync(fixture.Requester, signer, 1);
        var first = await fixture.Approver.Approvals.ApproveSigningRequestAsync(new DecideSigningRequestRequest { RequestId = request.Id });
        Assert.Equal(SigningRequestState.Pending, first.State);
        await Rpc.FailsAsync(() => fixture.Requester.Sign.SignAsync(SignRequest(signer)), StatusCode.FailedPrecondition, "APPROVAL_REQUIRED");
        await Rpc.FailsAsync(() => fixture.Approver.Approvals.ApproveSigningRequestAsync(new DecideSigningRequestRequest { RequestId = request.Id }),
            StatusCode.FailedPrecondition, "CONFLICT");

        var second = await fixture.Lead.Approvals.ApproveSigningRequestAsync(new DecideSigningRequestRequest { RequestId = request.Id });
        Assert.Equal(SigningRequestState.Approved, second.State);
        await fixture.Requester.Sign.SignAsync(SignRequest(signer));
    }

    [Fact]
    public async Task A_grant_ends_with_its_time_window()
    {
        var signer = await fixture.GuardedSignerAsync("time-cap");
        var request = await CreateRequestAsync(fixture.Requester, signer, 5, TimeSpan.FromMinutes(10));
        await fixture.Approver.Approvals.ApproveSigningRequestAsync(new DecideSigningRequestRequest { RequestId = request.Id });
        await fixture.Requester.Sign.SignAsync(SignRequest(signer));

        fixture.Clock.Advance(TimeSpan.FromMinutes(11));
        await Rpc.FailsAsync(() => fixture.Requester.Sign.SignAsync(SignRequest(signer)), StatusCode.FailedPrecondition, "APPROVAL_REQUIRED");
        var grant = Assert.Single((await fixture.Admin.Approvals.ListGrantsAsync(new ListGrantsRequest { Signer = signer, IncludeSpent = true })).Grants);
        Assert.Equal(1, grant.SignaturesUsed);
        Assert.Empty((await fixture.Admin.Approvals.ListGrantsAsync(new ListGrantsRequest { Signer = signer })).Grants);
    }

    [Fact]
    public async Task Requests_beyond_the_policy_caps_are_refused()
    {
        var signer = await fixture.GuardedSignerAsync("caps", maxSignatures: 5, maxWindow: TimeSpan.FromHours(1));
        var count = await Rpc.FailsAsync(() => fixture.Requester.Approvals.CreateSigningRequestAsync(new CreateSigningRequestRequest
        {
            Signer = signer, SignatureCount = 6, Window = InProcessServer.Minutes(10),
        }), StatusCode.InvalidArgument, "INVALID_ARGUMENT");
        Assert.Equal("signature_count", count.Metadata["field"]);
        var window = await Rpc.FailsAsync(() => fixture.Requester.Approvals.CreateSigningRequestAsync(new CreateSigningRequestRequest
        {
            Signer = signer, SignatureCount = 5, Window = InProcessServer.Minutes(61),
        }), StatusCode.InvalidArgument, "INVALID_ARGUMENT");
        Assert.Equal("window", window.Metadata["field"]);
        Assert.Empty((await fixture.Admin.Approvals.ListSigningRequestsAsync(new ListSigningRequestsRequest { Signer = signer })).Requests);
    }

    [Fact]
    public async Task A_pending_request_expires()
    {
        var signer = await fixture.GuardedSignerAsync("expiry", requestTtl: TimeSpan.FromHours(1));
        var request = await CreateRequestAsync(fixture.Requester, signer, 1);
        fixture.Clock.Advance(TimeSpan.FromHours(2));

        await Rpc.FailsAsync(() => fixture.Approver.Approvals.ApproveSigningRequestAsync(new DecideSigningRequestRequest { RequestId = request.Id }),
            StatusCode.FailedPrecondition, "REQUEST_NOT_PENDING");
        var read = await fixture.Requester.Approvals.GetSigningRequestAsync(new GetSigningRequestRequest { RequestId = request.Id });
        Assert.Equal(SigningRequestState.Expired, read.State);
        Assert.Empty(read.GrantId);
        await Rpc.FailsAsync(() => fixture.Requester.Sign.SignAsync(SignRequest(signer)), StatusCode.FailedPrecondition, "APPROVAL_REQUIRED");
    }

    [Fact]
    public async Task One_denial_ends_the_request()
    {
        var signer = await fixture.GuardedSignerAsync("denial", approvals: 2);
        var request = await CreateRequestAsync(fixture.Requester, signer, 1);
        var denied = await fixture.Lead.Approvals.DenySigningRequestAsync(new DecideSigningRequestRequest { RequestId = request.Id, Comment = "not now" });
        Assert.Equal(SigningRequestState.Denied, denied.State);
        Assert.Equal("not now", Assert.Single(denied.Decisions).Comment);

        await Rpc.FailsAsync(() => fixture.Approver.Approvals.ApproveSigningRequestAsync(new DecideSigningRequestRequest { RequestId = request.Id }),
            StatusCode.FailedPrecondition, "REQUEST_NOT_PENDING");
        await Rpc.FailsAsync(() => fixture.Requester.Sign.SignAsync(SignRequest(signer)), StatusCode.FailedPrecondition, "APPROVAL_REQUIRED");
        Assert.Empty((await fixture.Admin.Approvals.ListGrantsAsync(new ListGrantsRequest { Signer = signer, IncludeSpent = true })).Grants);
    }

    [Fact]
    public async Task A_requester_cannot_approve_their_own_request_nor_can_a_non_approver()
    {
        var signer = await fixture.GuardedSignerAsync("self-approval");
        var request = await CreateRequestAsync(fixture.Lead, signer, 1);
        await Rpc.FailsAsync(() => fixture.Lead.Approvals.ApproveSigningRequestAsync(new DecideSigningRequestRequest { RequestId = request.Id }),
            StatusCode.PermissionDenied, "SELF_APPROVAL_FORBIDDEN");
        await Rpc.FailsAsync(() => fixture.Colleague.Approvals.ApproveSigningRequestAsync(new DecideSigningRequestRequest { RequestId = request.Id }),
            StatusCode.PermissionDenied, "NOT_AN_APPROVER");

        var read = await fixture.Lead.Approvals.GetSigningRequestAsync(new GetSigningRequestRequest { RequestId = request.Id });
        Assert.Equal(SigningRequestState.Pending, read.State);
        Assert.Empty(read.Decisions);
        await Rpc.FailsAsync(() => fixture.Lead.Sign.SignAsync(SignRequest(signer)), StatusCode.FailedPrecondition, "APPROVAL_REQUIRED");
        var denials = await fixture.Admin.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest
        {
            Filter = new AuditFilter { Signer = signer, Types_ = { "request.approved" }, Outcome = AuditOutcome.Denied },
        });
        Assert.Equal(["SELF_APPROVAL_FORBIDDEN", "NOT_AN_APPROVER"], denials.Events.Select(e => e.Reason));
    }

    [Fact]
    public async Task Only_the_requester_cancels_and_only_while_pending()
    {
        var signer = await fixture.GuardedSignerAsync("cancel");
        var request = await CreateRequestAsync(fixture.Requester, signer, 1);
        await Rpc.FailsAsync(() => fixture.Colleague.Approvals.CancelSigningRequestAsync(new CancelSigningRequestRequest { RequestId = request.Id }),
            StatusCode.PermissionDenied, "ROLE_FORBIDS");
        var cancelled = await fixture.Requester.Approvals.CancelSigningRequestAsync(new CancelSigningRequestRequest { RequestId = request.Id });
        Assert.Equal(SigningRequestState.Cancelled, cancelled.State);
        await Rpc.FailsAsync(() => fixture.Approver.Approvals.ApproveSigningRequestAsync(new DecideSigningRequestRequest { RequestId = request.Id }),
            StatusCode.FailedPrecondition, "REQUEST_NOT_PENDING");
    }

    [Fact]
    public async Task Fifty_concurrent_signatures_against_a_grant_of_ten_yield_exactly_ten()
    {
        var signer = await fixture.GuardedSignerAsync("race");
        var grant = await fixture.Admin.Approvals.CreateGrantAsync(new CreateGrantRequest
        {
            Signer = signer, Grantee = InProcessServer.UserRef("requester"), SignaturesAllowed = 10, Window = InProcessServer.Minutes(30),
            Justification = "release 1.0",
        });

        var attempts = await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
        {
            try
            {
                await fixture.Requester.Sign.SignAsync(SignRequest(signer));
                return "signed";
            }
            catch (RpcException e)
            {
                return e.GetRpcStatus()?.GetDetail<Google.Rpc.ErrorInfo>()?.Reason ?? e.StatusCode.ToString();
            }
        }));

        Assert.Equal(10, attempts.Count(a => a == "signed"));
        Assert.Equal(40, attempts.Count(a => a == "APPROVAL_REQUIRED"));
        var spent = Assert.Single((await fixture.Admin.Approvals.ListGrantsAsync(new ListGrantsRequest { Signer = signer, IncludeSpent = true })).Grants);
        Assert.Equal((grant.Id, 10L), (spent.Id, spent.SignaturesUsed));
        var created = await fixture.Admin.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest
        {
            Filter = new AuditFilter { Signer = signer, Types_ = { "signature." } }, PageSize = 1000,
        });
        Assert.Equal(10, created.Events.Count(e => e.Type == "signature.created" && e.Details["grant_id"] == grant.Id));
        Assert.Equal(40, created.Events.Count(e => e is { Type: "signature.denied", Reason: "APPROVAL_REQUIRED" }));
    }

    [Fact]
    public async Task A_failed_key_operation_signs_nothing_and_keeps_the_grant_unit()
    {
        var signer = await fixture.GuardedSignerAsync("broken-key");
        var grant = await fixture.Admin.Approvals.CreateGrantAsync(new CreateGrantRequest
        {
            Signer = signer, Grantee = InProcessServer.UserRef("requester"), SignaturesAllowed = 1, Window = InProcessServer.Minutes(30),
        });
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(fixture.DataDir, "codesign.db")};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            // A sealed key the vault cannot open: what a corrupted store or a wrong KEK looks like.
            command.CommandText = "UPDATE signers SET key_reference = zeroblob(64) WHERE name = 'broken-key'";
            Assert.Equal(1, command.ExecuteNonQuery());
        }

        var info = await Rpc.FailsAsync(() => fixture.Requester.Sign.SignAsync(SignRequest(signer)), StatusCode.Internal, "KEY_OPERATION_FAILED");

        Assert.Empty(info.Metadata);
        var unspent = Assert.Single((await fixture.Admin.Approvals.ListGrantsAsync(new ListGrantsRequest { Signer = signer })).Grants);
        Assert.Equal((grant.Id, 0L), (unspent.Id, unspent.SignaturesUsed));
        var events = (await fixture.Admin.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest
        {
            Filter = new AuditFilter { Signer = signer, Types_ = { "signature." } },
        })).Events;
        var failed = Assert.Single(events);
        Assert.Equal(("signature.failed", AuditOutcome.Failed, "KEY_OPERATION_FAILED"), (failed.Type, failed.Outcome, failed.Reason));
    }

    [Fact]
    public async Task Only_administrators_pre_approve_and_revoke_grants()
    {
        var signer = await fixture.GuardedSignerAsync("pre-approval");
        var createGrant = new CreateGrantRequest { Signer = signer, Grantee = InProcessServer.UserRef("requester"), SignaturesAllowed = 2, Window = InProcessServer.Minutes(5) };
        await Rpc.FailsAsync(() => fixture.Lead.Approvals.CreateGrantAsync(createGrant), StatusCode.PermissionDenied, "ROLE_FORBIDS");
        var grant = await fixture.Admin.Approvals.CreateGrantAsync(createGrant);
        Assert.Empty(grant.RequestId);
        Assert.Equal("admin", grant.GrantedBy.Name);
        await fixture.Requester.Sign.SignAsync(SignRequest(signer));

        await Rpc.FailsAsync(() => fixture.Lead.Approvals.RevokeGrantAsync(new RevokeGrantRequest { GrantId = grant.Id }), StatusCode.PermissionDenied, "ROLE_FORBIDS");
        await fixture.Admin.Approvals.RevokeGrantAsync(new RevokeGrantRequest { GrantId = grant.Id });
        await Rpc.FailsAsync(() => fixture.Requester.Sign.SignAsync(SignRequest(signer)), StatusCode.FailedPrecondition, "APPROVAL_REQUIRED");
    }

    private static async Task<SigningRequest> CreateRequestAsync(Clients requester, string signer, long count, TimeSpan? window = null) =>
        await requester.Approvals.CreateSigningRequestAsync(new CreateSigningRequestRequest
        {
            Signer = signer,
            Justification = "release",
            SignatureCount = count,
            Window = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(window ?? TimeSpan.FromMinutes(30)),
        });

    private static SignRequest SignRequest(string signer) =>
        SignTests.Request(signer, SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, System.Security.Cryptography.SHA256.HashData("approved"u8));
}
