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

    private static readonly Dictionary<string, Func<Clients, Task>> Operations = new()
    {
        ["sign"] = async c => await c.Sign.SignAsync(SignTests.Request(Signer, SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, new byte[32])),
        ["get signer"] = async c => await c.Signers.GetSignerAsync(new GetSignerRequest { Signer = Signer }),
        ["list members"] = async c => await c.Members.ListMembersAsync(new ListMembersRequest { Signer = Signer }),
        ["query audit"] = async c => await c.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest { Filter = new AuditFilter { Signer = Signer } }),
        ["list grants"] = async c => await c.Approvals.ListGrantsAsync(new ListGrantsRequest { Signer = Signer }),
        ["set member"] = async c => await c.Members.SetMemberAsync(new SetMemberRequest
        {
            Signer = Signer, Principal = InProcessServer.UserRef("newcomer"), Role = Role.Auditor,
        }),
        ["enable signer"] = async c => await c.Signers.SetSignerEnabledAsync(new SetSignerEnabledRequest { Signer = Signer, Enabled = true }),
        ["export certificate"] = async c => await c.Signers.ExportCertificateChainAsync(new ExportCertificateChainRequest { Signer = Signer }),
        ["pre-approve"] = async c => await c.Approvals.CreateGrantAsync(new CreateGrantRequest
        {
            Signer = Signer, Grantee = InProcessServer.UserRef("operator"), SignaturesAllowed = 1, Window = InProcessServer.Minutes(5),
        }),
        ["edit policy"] = async c =>
        {
            var policy = new ApprovalPolicy { ApprovalsRequired = 1, Approvers = { InProcessServer.UserRef("administrator") } };
            await c.Approvals.SetApprovalPolicyAsync(new SetApprovalPolicyRequest { Signer = Signer, Policy = policy });
            await c.Approvals.ClearApprovalPolicyAsync(new ClearApprovalPolicyRequest { Signer = Signer });
        },
    };

    private static readonly string[] ViewOperations = ["get signer", "list members", "query audit", "list grants"];
    private static readonly string[] AdministratorOperations = ["set member", "enable signer", "export certificate", "pre-approve", "edit policy"];

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
            data.Add("outsider", operation, "NOT_A_MEMBER");
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
            await call(fixture.Callers[caller]);
        }
        else
        {
            await Rpc.FailsAsync(() => call(fixture.Callers[caller]), StatusCode.PermissionDenied, deniedReason);
        }
    }

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
}
