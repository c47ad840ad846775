using CodeSigning.Server.Tests.Server;
using CodeSigning.V1;
using Grpc.Core;

namespace CodeSigning.Server.Tests.Security;

/// <summary>
/// A member of one Signer reaching for another: every sign, read and approval on the other Signer
/// is refused as if the Signer (or the request) did not exist (SIGNER_NOT_FOUND / NOT_FOUND, naming
/// nothing the caller did not give), audited against that Signer with the caller as actor and the
/// true reason (NOT_A_MEMBER, NOT_AN_APPROVER), and changes nothing.
/// </summary>
public sealed class CrossSignerTests(CrossSignerTests.Fixture fixture) : IClassFixture<CrossSignerTests.Fixture>
{
    private const string Mine = "alice-signer";
    private const string Theirs = "bob-signer";

    public sealed class Fixture : InProcessServer
    {
        public Clients Alice { get; private set; } = null!;
        public Clients Bob { get; private set; } = null!;

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            Alice = (await CreateUserAsync("alice")).Clients;
            Bob = (await CreateUserAsync("bob")).Clients;
            await CreateSignerAsync(Mine, KeyAlgorithm.EcP256, ("admin", Role.Administrator), ("alice", Role.Administrator));
            await CreateSignerAsync(Theirs, KeyAlgorithm.EcP256, ("admin", Role.Administrator), ("bob", Role.Operator));
            await Admin.Approvals.SetApprovalPolicyAsync(new SetApprovalPolicyRequest
            {
                Signer = Theirs, Policy = new ApprovalPolicy { ApprovalsRequired = 1, Approvers = { UserRef("admin") } },
            });
        }
    }

    public static TheoryData<string> Reaches => ["sign", "get signer", "list members", "query audit", "list grants", "export certificate", "create request", "set member", "pre-approve"];

    [Theory]
    [MemberData(nameof(Reaches))]
    public async Task An_administrator_of_one_signer_cannot_touch_another(string reach)
    {
        var before = await TheirStateAsync();
        Func<Task> call = reach switch
        {
            "sign" => async () => await fixture.Alice.Sign.SignAsync(SignTests.Request(Theirs, SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, new byte[32])),
            "get signer" => async () => await fixture.Alice.Signers.GetSignerAsync(new GetSignerRequest { Signer = Theirs }),
            "list members" => async () => await fixture.Alice.Members.ListMembersAsync(new ListMembersRequest { Signer = Theirs }),
            "query audit" => async () => await fixture.Alice.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest { Filter = new AuditFilter { Signer = Theirs } }),
            "list grants" => async () => await fixture.Alice.Approvals.ListGrantsAsync(new ListGrantsRequest { Signer = Theirs }),
            "export certificate" => async () => await fixture.Alice.Signers.ExportCertificateChainAsync(new ExportCertificateChainRequest { Signer = Theirs }),
            "create request" => async () => await fixture.Alice.Approvals.CreateSigningRequestAsync(new CreateSigningRequestRequest
            {
                Signer = Theirs, SignatureCount = 5, Window = InProcessServer.Minutes(5), Justification = "not mine",
            }),
            "set member" => async () => await fixture.Alice.Members.SetMemberAsync(new SetMemberRequest { Signer = Theirs, Principal = InProcessServer.UserRef("alice"), Role = Role.Operator }),
            _ => async () => await fixture.Alice.Approvals.CreateGrantAsync(new CreateGrantRequest
            {
                Signer = Theirs, Grantee = InProcessServer.UserRef("alice"), SignaturesAllowed = 1, Window = InProcessServer.Minutes(5),
            }),
        };
        var events = await AllEventsAsync();

        await Rpc.FailsAsync(call, StatusCode.NotFound, "SIGNER_NOT_FOUND");

        var denied = Assert.Single((await AllEventsAsync()).Skip(events.Count));
        Assert.Equal(("alice", Theirs, AuditOutcome.Denied, "NOT_A_MEMBER"), (denied.Actor.Name, denied.SignerName, denied.Outcome, denied.Reason));
        Assert.Equal(before, await TheirStateAsync());
    }

    [Fact]
    public async Task Another_signers_request_cannot_be_approved_nor_its_grant_spent_by_an_outsider()
    {
        var request = await fixture.Bob.Approvals.CreateSigningRequestAsync(new CreateSigningRequestRequest
        {
            Signer = Theirs, SignatureCount = 1, Window = InProcessServer.Minutes(5), Justification = "bob's release",
        });
        var events = await AllEventsAsync();
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await fixture.Alice.Approvals.ApproveSigningRequestAsync(new DecideSigningRequestRequest { RequestId = request.Id }));
        var unknown = await Assert.ThrowsAsync<RpcException>(async () => await fixture.Alice.Approvals.ApproveSigningRequestAsync(new DecideSigningRequestRequest { RequestId = "0123456789abcdef" }));
        // Exactly the answer for a request that does not exist: the other Signer's name is nowhere.
        Assert.Equal((StatusCode.NotFound, $"signing request '{request.Id}' does not exist"), (refused.StatusCode, refused.Status.Detail));
        Assert.Equal(unknown.Status.Detail.Replace("0123456789abcdef", request.Id, StringComparison.Ordinal), refused.Status.Detail);
        Assert.Equal("NOT_FOUND", refused.GetRpcStatus()!.GetDetail<Google.Rpc.ErrorInfo>()!.Reason);
        Assert.DoesNotContain(Theirs, refused.Status.Detail, StringComparison.Ordinal);
        var denied = (await AllEventsAsync()).Skip(events.Count).First();
        Assert.Equal(("request.approved", "alice", Theirs, "NOT_AN_APPROVER"), (denied.Type, denied.Actor.Name, denied.SignerName, denied.Reason));
        Assert.Equal(SigningRequestState.Pending, (await fixture.Bob.Approvals.GetSigningRequestAsync(new GetSigningRequestRequest { RequestId = request.Id })).State);

        var approved = await fixture.Admin.Approvals.ApproveSigningRequestAsync(new DecideSigningRequestRequest { RequestId = request.Id });
        var steal = SignTests.Request(Theirs, SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, new byte[32]);
        steal.GrantId = approved.GrantId;
        await Rpc.FailsAsync(() => fixture.Alice.Sign.SignAsync(steal), StatusCode.NotFound, "SIGNER_NOT_FOUND");
        Assert.Equal(0, (await GrantAsync(approved.GrantId)).SignaturesUsed);

        var signed = await fixture.Bob.Sign.SignAsync(SignTests.Request(Theirs, SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, new byte[32]));
        Assert.Equal(approved.GrantId, signed.GrantId);
        Assert.Equal(1, (await GrantAsync(approved.GrantId)).SignaturesUsed);
    }

    private async Task<Grant> GrantAsync(string id) =>
        (await fixture.Admin.Approvals.ListGrantsAsync(new ListGrantsRequest { Signer = Theirs, IncludeSpent = true })).Grants.Single(g => g.Id == id);

    [Fact]
    public async Task Another_signer_is_not_listed()
    {
        var listed = await fixture.Alice.Signers.ListSignersAsync(new ListSignersRequest());
        Assert.Equal([Mine], listed.Signers.Select(s => s.Name));
    }

    /// <summary>What an outsider could change on the other Signer: members, grants, requests, signatures.</summary>
    private async Task<string> TheirStateAsync()
    {
        var members = await fixture.Admin.Members.ListMembersAsync(new ListMembersRequest { Signer = Theirs });
        var grants = await fixture.Admin.Approvals.ListGrantsAsync(new ListGrantsRequest { Signer = Theirs, IncludeSpent = true });
        var requests = await fixture.Admin.Approvals.ListSigningRequestsAsync(new ListSigningRequestsRequest { Signer = Theirs });
        var signatures = (await AllEventsAsync()).Count(e => e is { Type: "signature.created", SignerName: Theirs });
        return $"{members} {grants} {requests} {signatures}";
    }

    private async Task<IReadOnlyList<AuditEvent>> AllEventsAsync() =>
        (await fixture.Admin.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest { PageSize = 1000 })).Events;
}
