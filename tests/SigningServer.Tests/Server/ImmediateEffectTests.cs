using CodeSigning.V1;
using Grpc.Core;

namespace CodeSigning.Server.Tests.Server;

/// <summary>Every change is in force on the very next call: no cached answer outlives it (see CachedAuthorizationTests for another server on the same database).</summary>
public sealed class ImmediateEffectTests(ImmediateEffectTests.Fixture fixture) : IClassFixture<ImmediateEffectTests.Fixture>
{
    public sealed class Fixture : InProcessServer
    {
        public Clients Operator { get; private set; } = null!;
        public string OperatorKey { get; private set; } = "";

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            (_, Operator, OperatorKey) = await CreateUserAsync("operator");
        }
    }

    private static SignRequest Sign(string signer) => SignTests.Request(signer, SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, new byte[32]);

    [Fact]
    public async Task Disabling_a_signer_stops_the_next_signature()
    {
        await fixture.CreateSignerAsync("toggled", KeyAlgorithm.EcP256, ("admin", Role.Administrator), ("operator", Role.Operator));
        await fixture.Operator.Sign.SignAsync(Sign("toggled"));

        await fixture.Admin.Signers.SetSignerEnabledAsync(new SetSignerEnabledRequest { Signer = "toggled", Enabled = false });
        await Rpc.FailsAsync(() => fixture.Operator.Sign.SignAsync(Sign("toggled")), StatusCode.FailedPrecondition, "SIGNER_DISABLED");

        await fixture.Admin.Signers.SetSignerEnabledAsync(new SetSignerEnabledRequest { Signer = "toggled", Enabled = true });
        await fixture.Operator.Sign.SignAsync(Sign("toggled"));
    }

    [Fact]
    public async Task Removing_a_member_stops_the_next_signature()
    {
        await fixture.CreateSignerAsync("removal", KeyAlgorithm.EcP256, ("admin", Role.Administrator), ("operator", Role.Operator));
        await fixture.Operator.Sign.SignAsync(Sign("removal"));

        await fixture.Admin.Members.RemoveMemberAsync(new RemoveMemberRequest { Signer = "removal", Principal = InProcessServer.UserRef("operator") });
        await Rpc.FailsAsync(() => fixture.Operator.Sign.SignAsync(Sign("removal")), StatusCode.NotFound, "SIGNER_NOT_FOUND");
    }

    [Fact]
    public async Task Demoting_a_member_to_auditor_stops_the_next_signature()
    {
        await fixture.CreateSignerAsync("demotion", KeyAlgorithm.EcP256, ("admin", Role.Administrator), ("operator", Role.Operator));
        await fixture.Admin.Members.SetMemberAsync(new SetMemberRequest { Signer = "demotion", Principal = InProcessServer.UserRef("operator"), Role = Role.Auditor });
        await Rpc.FailsAsync(() => fixture.Operator.Sign.SignAsync(Sign("demotion")), StatusCode.PermissionDenied, "ROLE_FORBIDS");
    }

    [Fact]
    public async Task Group_membership_grants_the_group_role_until_it_is_removed()
    {
        await fixture.Admin.Members.CreateGroupAsync(new CreateGroupRequest { Name = "release-team" });
        await fixture.CreateSignerAsync("by-group", KeyAlgorithm.EcP256, ("admin", Role.Administrator));
        await fixture.Admin.Members.SetMemberAsync(new SetMemberRequest
        {
            Signer = "by-group", Principal = new PrincipalRef { Kind = PrincipalKind.Group, Name = "release-team" }, Role = Role.Operator,
        });
        await Rpc.FailsAsync(() => fixture.Operator.Sign.SignAsync(Sign("by-group")), StatusCode.NotFound, "SIGNER_NOT_FOUND");

        await fixture.Admin.Members.AddGroupMemberAsync(new AddGroupMemberRequest { Group = "release-team", Principal = InProcessServer.UserRef("operator") });
        await fixture.Operator.Sign.SignAsync(Sign("by-group"));
        var seen = await fixture.Operator.Signers.GetSignerAsync(new GetSignerRequest { Signer = "by-group" });
        Assert.Equal(Role.Operator, seen.CallerRole);

        await fixture.Admin.Members.RemoveGroupMemberAsync(new RemoveGroupMemberRequest { Group = "release-team", Principal = InProcessServer.UserRef("operator") });
        await Rpc.FailsAsync(() => fixture.Operator.Sign.SignAsync(Sign("by-group")), StatusCode.NotFound, "SIGNER_NOT_FOUND");
    }

    [Fact]
    public async Task The_last_administrator_cannot_be_removed_or_demoted()
    {
        await fixture.CreateSignerAsync("last-admin", KeyAlgorithm.EcP256, ("admin", Role.Administrator), ("operator", Role.Operator));
        await Rpc.FailsAsync(() => fixture.Admin.Members.RemoveMemberAsync(new RemoveMemberRequest { Signer = "last-admin", Principal = InProcessServer.UserRef("admin") }),
            StatusCode.FailedPrecondition, "CONFLICT");
        await Rpc.FailsAsync(() => fixture.Admin.Members.SetMemberAsync(new SetMemberRequest { Signer = "last-admin", Principal = InProcessServer.UserRef("admin"), Role = Role.Operator }),
            StatusCode.FailedPrecondition, "CONFLICT");
        var members = await fixture.Admin.Members.ListMembersAsync(new ListMembersRequest { Signer = "last-admin" });
        Assert.Equal(Role.Administrator, Assert.Single(members.Members, m => m.Principal.Name == "admin").Role);
    }

    [Fact]
    public async Task Revoking_an_api_key_or_disabling_its_user_refuses_the_next_call()
    {
        var (_, clients, _) = await fixture.CreateUserAsync("short-lived");
        var extra = await fixture.Admin.Identity.CreateApiKeyAsync(new CreateApiKeyRequest { User = "short-lived" });
        await clients.Identity.WhoAmIAsync(new Google.Protobuf.WellKnownTypes.Empty());

        await fixture.Admin.Identity.RevokeApiKeyAsync(new RevokeApiKeyRequest { ApiKeyId = extra.ApiKey.Id });
        await Rpc.FailsAsync(() => fixture.As(extra.Secret).Identity.WhoAmIAsync(new Google.Protobuf.WellKnownTypes.Empty()), StatusCode.Unauthenticated, "CREDENTIAL_REVOKED");
        await clients.Identity.WhoAmIAsync(new Google.Protobuf.WellKnownTypes.Empty());

        await fixture.Admin.Identity.SetUserEnabledAsync(new SetUserEnabledRequest { User = "short-lived", Enabled = false });
        await Rpc.FailsAsync(() => clients.Identity.WhoAmIAsync(new Google.Protobuf.WellKnownTypes.Empty()), StatusCode.Unauthenticated, "CREDENTIAL_REVOKED");
    }
}
