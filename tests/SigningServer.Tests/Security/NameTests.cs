using CodeSigning.Server.Tests.Server;
using CodeSigning.V1;
using Grpc.Core;

namespace CodeSigning.Server.Tests.Security;

/// <summary>
/// Names end where the string ends: "sigA\n" is not a second "sigA", and no name of a Signer, user,
/// service account or group holds a control character. Each refusal is INVALID_ARGUMENT on field
/// "name", audited, and creates nothing.
/// </summary>
public sealed class NameTests(NameTests.Fixture fixture) : IClassFixture<NameTests.Fixture>
{
    public sealed class Fixture : InProcessServer
    {
        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            await CreateSignerAsync("sigA", KeyAlgorithm.EcP256, ("admin", Role.Administrator));
            await Admin.Identity.CreateUserAsync(new CreateUserRequest { Name = "sigA" });
            await Admin.Identity.CreateServiceAccountAsync(new CreateServiceAccountRequest { Name = "sigA" });
            await Admin.Members.CreateGroupAsync(new CreateGroupRequest { Name = "sigA" });
        }
    }

    public static TheoryData<string, string> BadNames()
    {
        var data = new TheoryData<string, string>();
        foreach (var kind in new[] { "signer", "user", "service-account", "group" })
        {
            foreach (var name in new[] { "sigA\n", "sigA\r\n", "sigA\r", "si\tgA", "sigA\0", "sigA\u001b[0m", "sigA\u0085", "\nsigA" })
            {
                data.Add(kind, name);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(BadNames))]
    public async Task A_name_with_a_control_character_or_trailing_newline_is_refused_audited_and_creates_nothing(string kind, string name)
    {
        var before = await CountAsync(kind);
        var events = await EventCountAsync();

        var info = await Rpc.FailsAsync(() => CreateAsync(kind, name), StatusCode.InvalidArgument, "INVALID_ARGUMENT");

        Assert.Equal("name", info.Metadata["field"]);
        Assert.Equal(before, await CountAsync(kind));
        var denied = Assert.Single((await fixture.Admin.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest { PageSize = 1000 })).Events.Skip(events));
        Assert.Equal((AuditOutcome.Denied, "INVALID_ARGUMENT"), (denied.Outcome, denied.Reason));
    }

    [Theory]
    [InlineData("Alice\nAdmin")]
    [InlineData("Alice\u001b[2J")]
    public async Task A_display_name_with_a_control_character_is_refused(string displayName)
    {
        var info = await Rpc.FailsAsync(() => fixture.Admin.Identity.CreateUserAsync(new CreateUserRequest { Name = "displayed", DisplayName = displayName }),
            StatusCode.InvalidArgument, "INVALID_ARGUMENT");
        Assert.Equal("display_name", info.Metadata["field"]);
        await Rpc.FailsAsync(() => fixture.Admin.Identity.GetUserAsync(new GetUserRequest { User = "displayed" }), StatusCode.NotFound, "NOT_FOUND");
    }

    private Task CreateAsync(string kind, string name) => kind switch
    {
        "signer" => fixture.Admin.Signers.CreateSignerAsync(new CreateSignerRequest
        {
            Name = name, KeyAlgorithm = KeyAlgorithm.EcP256, CertificateAuthority = CertificateAuthorityKind.Internal,
            Members = { new MemberSpec { Principal = InProcessServer.UserRef("admin"), Role = Role.Administrator } },
        }).ResponseAsync,
        "user" => fixture.Admin.Identity.CreateUserAsync(new CreateUserRequest { Name = name }).ResponseAsync,
        "service-account" => fixture.Admin.Identity.CreateServiceAccountAsync(new CreateServiceAccountRequest { Name = name }).ResponseAsync,
        _ => fixture.Admin.Members.CreateGroupAsync(new CreateGroupRequest { Name = name }).ResponseAsync,
    };

    private async Task<int> CountAsync(string kind) => kind switch
    {
        "signer" => (await fixture.Admin.Signers.ListSignersAsync(new ListSignersRequest())).Signers.Count,
        "user" => (await fixture.Admin.Identity.ListUsersAsync(new ListUsersRequest())).Users.Count,
        "service-account" => (await fixture.Admin.Identity.ListServiceAccountsAsync(new ListServiceAccountsRequest())).ServiceAccounts.Count,
        _ => (await fixture.Admin.Members.ListGroupsAsync(new ListGroupsRequest())).Groups.Count,
    };

    private async Task<int> EventCountAsync() =>
        (await fixture.Admin.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest { PageSize = 1000 })).Events.Count;
}
