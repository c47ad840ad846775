using CodeSigning.V1;
using Grpc.Core;

namespace CodeSigning.Server.Tests.Server;

/// <summary>Each role of the roles table against each Signer operation: allowed, or the exact status and reason.</summary>
public sealed class RoleMatrixTests(RoleMatrixTests.Fixture fixture) : IClassFixture<RoleMatrixTests.Fixture>
{
    private const string Signer = "matrix";

    public sealed class Fixture : InProcessServer
    {
        public Dictionary<string, Clients> Callers { get; } = [];

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            foreach (var name in new[] { "administrator", "operator", "auditor", "outsider" })
            {
                Callers[name] = (await CreateUserAsync(name)).Clients;
            }
            Callers["product-admin"] = (await CreateUserAsync("product-admin", productAdmin: true)).Clients;
            await CreateUserAsync("newcomer");
            await CreateSignerAsync(Signer, KeyAlgorithm.EcP256,
                ("admin", Role.Administrator), ("administrator", Role.Administrator), ("operator", Role.Operator), ("auditor", Role.Auditor));
        }
    }

    private static readonly Dictionary<string, Func<Clients, string, Task>> Operations = new()
    {
        ["sign"] = async (c, s) => await c.Sign.SignAsync(SignTests.Request(s, SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, new byte[32])),
        ["get signer"] = async (c, s) => await c.Signers.GetSignerAsync(new GetSignerRequest { Signer = s }),
        ["list members"] = async (c, s) => await c.Members.ListMembersAsync(new ListMembersRequest { Signer = s }),
        ["query audit"] = async (c, s) => await c.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest { Filter = new AuditFilter { Signer = s } }),
        ["list grants"] = async (c, s) => await c.Approvals.ListGrantsAsync(new ListGrantsRequest { Signer = s }),
        ["set member"] = async (c, s) => await c.Members.SetMemberAsync(new SetMemberRequest
        {
            Signer = s, Principal = InProcessServer.UserRef("newcomer"), Role = Role.Auditor,
        }),
        ["enable signer"] = async (c, s) => await c.Signers.SetSignerEnabledAsync(new SetSignerEnabledRequest { Signer = s, Enabled = true }),
        ["export certificate"] = async (c, s) => await c.Signers.ExportCertificateChainAsync(new ExportCertificateChainRequest { Signer = s }),
        ["pre-approve"] = async (c, s) => await c.Approvals.CreateGrantAsync(new CreateGrantRequest
        {
            Signer = s, Grantee = InProcessServer.UserRef("operator"), SignaturesAllowed = 1, Window = InProcessServer.Minutes(5),
        }),
        ["edit policy"] = async (c, s) =>
        {
            var policy = new ApprovalPolicy { ApprovalsRequired = 1, Approvers = { InProcessServer.UserRef("administrator") } };
            await c.Approvals.SetApprovalPolicyAsync(new SetApprovalPolicyRequest { Signer = s, Policy = policy });
            await c.Approvals.ClearApprovalPolicyAsync(new ClearApprovalPolicyRequest { Signer = s });
        },
    };

    // Certificates are public: every member reads and exports the chain (GetSigner carries it too).
    private static readonly string[] ViewOperations = ["get signer", "list members", "query audit", "list grants", "export certificate"];
    private static readonly string[] AdministratorOperations = ["set member", "enable signer", "pre-approve", "edit policy"];

    public static TheoryData<string, string, string?> Matrix()
    {
        var data = new TheoryData<string, string, string?>();
        foreach (var operation in Operations.Keys)
        {
            var isView = ViewOperations.Contains(operation);
            var isAdministrator = AdministratorOperations.Contains(operation);
            data.Add("administrator", operation, null);
            data.Add("operator", operation, isAdministrator ? "ROLE_FORBIDS" : null);
            data.Add("auditor", operation, isView ? null : "ROLE_FORBIDS");
            // Answered exactly as for a Signer that does not exist: names cannot be probed.
            data.Add("outsider", operation, "SIGNER_NOT_FOUND");
            // Product Admins see every Signer but act on one only as a member.
            data.Add("product-admin", operation, isView ? null : "NOT_A_MEMBER");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Role_against_operation(string caller, string operation, string? deniedReason)
    {
        var call = Operations[operation];
        if (deniedReason is null)
        {
            await call(fixture.Callers[caller], Signer);
        }
        else
        {
            await Rpc.FailsAsync(() => call(fixture.Callers[caller], Signer), deniedReason == "SIGNER_NOT_FOUND" ? StatusCode.NotFound : StatusCode.PermissionDenied, deniedReason);
        }
    }

    [Theory]
    [MemberData(nameof(OperationNames))]
    public async Task An_outsider_is_answered_exactly_as_for_a_signer_that_does_not_exist_and_the_denial_is_audited(string operation)
    {
        var unknown = await Assert.ThrowsAsync<RpcException>(() => Operations[operation](fixture.Callers["outsider"], "no-such-signer"));
        var before = await EventCountAsync();

        var existing = await Assert.ThrowsAsync<RpcException>(() => Operations[operation](fixture.Callers["outsider"], Signer));

        Assert.Equal(StatusCode.NotFound, existing.StatusCode);
        Assert.Equal(unknown.StatusCode, existing.StatusCode);
        Assert.Equal(unknown.Status.Detail.Replace("no-such-signer", Signer, StringComparison.Ordinal), existing.Status.Detail);
        var (unknownInfo, existingInfo) = (Info(unknown), Info(existing));
        Assert.Equal(("SIGNER_NOT_FOUND", unknownInfo.Metadata.Count), (existingInfo.Reason, existingInfo.Metadata.Count));
        Assert.Equal(unknownInfo.Reason, existingInfo.Reason);
        // The audit log tells the Signer's readers the truth.
        var denied = (await fixture.Admin.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest { PageSize = 1000 })).Events.Skip(before)
            .Single(e => e.Outcome == AuditOutcome.Denied);
        Assert.Equal(("outsider", Signer, "NOT_A_MEMBER"), (denied.Actor.Name, denied.SignerName, denied.Reason));
    }

    public static TheoryData<string> OperationNames() => [.. Operations.Keys];

    private static Google.Rpc.ErrorInfo Info(RpcException e) => e.GetRpcStatus()!.GetDetail<Google.Rpc.ErrorInfo>()!;

    private async Task<int> EventCountAsync() =>
        (await fixture.Admin.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest { PageSize = 1000 })).Events.Count;

    [Theory]
    [InlineData("administrator")]
    [InlineData("operator")]
    [InlineData("auditor")]
    public async Task Only_product_admins_create_signers_and_users(string caller)
    {
        var clients = fixture.Callers[caller];
        await Rpc.FailsAsync(() => clients.Signers.CreateSignerAsync(new CreateSignerRequest
        {
            Name = "not-created", KeyAlgorithm = KeyAlgorithm.EcP256, CertificateAuthority = CertificateAuthorityKind.Internal,
            Members = { new MemberSpec { Principal = InProcessServer.UserRef(caller), Role = Role.Administrator } },
        }), StatusCode.PermissionDenied, "PRODUCT_ADMIN_REQUIRED");
        await Rpc.FailsAsync(() => clients.Identity.CreateUserAsync(new CreateUserRequest { Name = "not-created" }), StatusCode.PermissionDenied, "PRODUCT_ADMIN_REQUIRED");

        await Rpc.FailsAsync(() => fixture.Admin.Signers.GetSignerAsync(new GetSignerRequest { Signer = "not-created" }), StatusCode.NotFound, "SIGNER_NOT_FOUND");
        await Rpc.FailsAsync(() => fixture.Admin.Identity.GetUserAsync(new GetUserRequest { User = "not-created" }), StatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task Listing_pages_through_every_signer()
    {
        await fixture.CreateSignerAsync("matrix-2", KeyAlgorithm.EcP256, ("admin", Role.Administrator));
        var all = (await fixture.Admin.Signers.ListSignersAsync(new ListSignersRequest())).Signers.Select(s => s.Name).ToList();
        Assert.True(all.Count >= 2);

        var paged = new List<string>();
        var token = "";
        do
        {
            var page = await fixture.Admin.Signers.ListSignersAsync(new ListSignersRequest { PageSize = 1, PageToken = token });
            paged.Add(Assert.Single(page.Signers).Name);
            token = page.NextPageToken;
        }
        while (token.Length > 0);
        Assert.Equal(all, paged);

        var info = await Rpc.FailsAsync(() => fixture.Admin.Signers.ListSignersAsync(new ListSignersRequest { PageToken = "garbage" }), StatusCode.InvalidArgument, "INVALID_ARGUMENT");
        Assert.Equal("page_token", info.Metadata["field"]);
    }

    [Fact]
    public async Task Listing_shows_only_the_signers_a_caller_is_a_member_of()
    {
        var outsider = await fixture.Callers["outsider"].Signers.ListSignersAsync(new ListSignersRequest());
        Assert.DoesNotContain(outsider.Signers, s => s.Name == Signer);

        var auditor = await fixture.Callers["auditor"].Signers.ListSignersAsync(new ListSignersRequest());
        Assert.Equal(Role.Auditor, Assert.Single(auditor.Signers, s => s.Name == Signer).CallerRole);

        var productAdmin = await fixture.Callers["product-admin"].Signers.ListSignersAsync(new ListSignersRequest());
        Assert.Equal(Role.Unspecified, Assert.Single(productAdmin.Signers, s => s.Name == Signer).CallerRole);
    }

    [Fact]
    public async Task Groups_and_their_members_are_shown_to_product_admins_and_to_the_groups_own_members_only()
    {
        await fixture.Admin.Members.CreateGroupAsync(new CreateGroupRequest { Name = "matrix-team" });
        await fixture.Admin.Members.AddGroupMemberAsync(new AddGroupMemberRequest { Group = "matrix-team", Principal = InProcessServer.UserRef("operator") });

        Assert.Empty((await fixture.Callers["outsider"].Members.ListGroupsAsync(new ListGroupsRequest())).Groups);
        Assert.Equal(["matrix-team"], (await fixture.Callers["operator"].Members.ListGroupsAsync(new ListGroupsRequest())).Groups.Select(g => g.Name));
        Assert.Contains((await fixture.Callers["product-admin"].Members.ListGroupsAsync(new ListGroupsRequest())).Groups, g => g.Name == "matrix-team");
        Assert.Equal("operator", Assert.Single((await fixture.Callers["operator"].Members.GetGroupAsync(new GetGroupRequest { Group = "matrix-team" })).Members).Name);

        var before = await EventCountAsync();
        var hidden = await Assert.ThrowsAsync<RpcException>(async () => await fixture.Callers["outsider"].Members.GetGroupAsync(new GetGroupRequest { Group = "matrix-team" }));
        var unknown = await Assert.ThrowsAsync<RpcException>(async () => await fixture.Callers["outsider"].Members.GetGroupAsync(new GetGroupRequest { Group = "no-such-team" }));

        Assert.Equal((StatusCode.NotFound, "group 'matrix-team' does not exist", "NOT_FOUND"), (hidden.StatusCode, hidden.Status.Detail, Info(hidden).Reason));
        Assert.Equal(unknown.Status.Detail.Replace("no-such-team", "matrix-team", StringComparison.Ordinal), hidden.Status.Detail);
        var denied = (await fixture.Admin.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest { PageSize = 1000 })).Events.Skip(before).First();
        Assert.Equal(("group.read", AuditOutcome.Denied, "outsider", "NOT_FOUND"), (denied.Type, denied.Outcome, denied.Actor.Name, denied.Reason));
    }

    [Theory]
    [InlineData("administrator")]
    [InlineData("operator")]
    [InlineData("auditor")]
    public async Task Every_member_reads_and_exports_the_same_public_certificate_chain(string caller)
    {
        var clients = fixture.Callers[caller];
        var before = await EventCountAsync();

        var shown = (await clients.Signers.GetSignerAsync(new GetSignerRequest { Signer = Signer })).CertificateChain;
        var exported = await clients.Signers.ExportCertificateChainAsync(new ExportCertificateChainRequest { Signer = Signer });

        Assert.NotEmpty(shown);
        Assert.Equal(shown, exported.CertificateChain);
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", exported.Pem, StringComparison.Ordinal);
        var audited = Assert.Single((await fixture.Admin.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest { PageSize = 1000 })).Events.Skip(before));
        Assert.Equal(("certificate.exported", caller), (audited.Type, audited.Actor.Name));
    }
}
