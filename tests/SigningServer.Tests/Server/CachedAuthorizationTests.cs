using System.Net;
using CodeSigning.Server.Hosting;
using CodeSigning.Tests.Shared;
using CodeSigning.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace CodeSigning.Server.Tests.Server;

/// <summary>
/// The request path caches what authentication and authorization read, under the store's
/// authorization version. Two servers on one database (SQLite file, or PostgreSQL database when
/// CODESIGN_TEST_STORE=postgres): a change made through one is in force on the other's very next
/// call, although the other answered the same caller from its cache a moment before; the refusal is audited.
/// </summary>
public sealed class CachedAuthorizationTests(CachedAuthorizationTests.Fixture fixture) : IClassFixture<CachedAuthorizationTests.Fixture>
{
    // Implements IAsyncLifetime again so that its DisposeAsync, which stops the second server, is the one called.
    public sealed class Fixture : InProcessServer, IAsyncLifetime
    {
        private readonly List<GrpcChannel> _channels = [];
        private WebApplication? _replica;
        private Uri _replicaUrl = null!;

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            var options = new ServerOptions(DataDir, IPAddress.Loopback, "127.0.0.1", 0, Plaintext: true, null, null, Database);
            _replica = ServerHost.Build(options, new(), Clock, certificate: null, logging => logging.SetMinimumLevel(LogLevel.Warning));
            await _replica.StartAsync();
            _replicaUrl = ServerHost.ListeningUrl(_replica, options);
        }

        /// <summary>Clients of the second server.</summary>
        public Clients OnReplica(string bearer)
        {
            var channel = GrpcChannel.ForAddress(_replicaUrl, new GrpcChannelOptions { HttpHandler = new BearerHandler(bearer, new SocketsHttpHandler()) });
            _channels.Add(channel);
            return new Clients(channel);
        }

        public new async Task DisposeAsync()
        {
            foreach (var channel in _channels)
            {
                channel.Dispose();
            }
            if (_replica is not null)
            {
                await _replica.StopAsync();
                await _replica.DisposeAsync();
            }
            await base.DisposeAsync();
        }
    }

    private static SignRequest Sign(string signer) => SignTests.Request(signer, SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, new byte[32]);

    /// <summary>A user who is an Operator of a new Signer and has just signed twice on the replica (the second from its cache).</summary>
    private async Task<(Clients Replica, string ApiKey)> SignedOnTheReplicaAsync(string user, string signer)
    {
        var (_, _, apiKey) = await fixture.CreateUserAsync(user);
        await fixture.CreateSignerAsync(signer, KeyAlgorithm.EcP256, ("admin", Role.Administrator), (user, Role.Operator));
        var replica = fixture.OnReplica(apiKey);
        await replica.Sign.SignAsync(Sign(signer));
        await replica.Sign.SignAsync(Sign(signer));
        return (replica, apiKey);
    }

    [Fact]
    public async Task An_api_key_revoked_on_one_server_is_refused_by_the_other_on_its_very_next_call_and_audited()
    {
        var (replica, apiKey) = await SignedOnTheReplicaAsync("revoked-key", "revoked-key-signer");
        var keyId = apiKey.Split('_')[1];
        var failedBefore = await EventsAsync("auth.failed");

        await fixture.Admin.Identity.RevokeApiKeyAsync(new RevokeApiKeyRequest { ApiKeyId = keyId });
        await Rpc.FailsAsync(() => replica.Sign.SignAsync(Sign("revoked-key-signer")), StatusCode.Unauthenticated, "CREDENTIAL_REVOKED");

        var failed = await EventsAsync("auth.failed");
        Assert.Equal(failedBefore.Count + 1, failed.Count);
        Assert.Equal(("CREDENTIAL_REVOKED", keyId), (failed[^1].Reason, failed[^1].Details["credential_id"]));
        Assert.Equal(2, (await EventsAsync("signature.created", "revoked-key-signer")).Count);
    }

    [Fact]
    public async Task A_user_disabled_on_one_server_is_refused_by_the_other_on_its_very_next_call()
    {
        var (replica, _) = await SignedOnTheReplicaAsync("disabled-user", "disabled-user-signer");

        await fixture.Admin.Identity.SetUserEnabledAsync(new SetUserEnabledRequest { User = "disabled-user", Enabled = false });

        await Rpc.FailsAsync(() => replica.Sign.SignAsync(Sign("disabled-user-signer")), StatusCode.Unauthenticated, "CREDENTIAL_REVOKED");
        Assert.Equal(2, (await EventsAsync("signature.created", "disabled-user-signer")).Count);
    }

    [Fact]
    public async Task A_member_removed_on_one_server_cannot_sign_on_the_other_on_its_very_next_call_and_the_denial_is_audited()
    {
        var (replica, _) = await SignedOnTheReplicaAsync("removed-member", "removed-member-signer");

        await fixture.Admin.Members.RemoveMemberAsync(new RemoveMemberRequest { Signer = "removed-member-signer", Principal = InProcessServer.UserRef("removed-member") });

        await Rpc.FailsAsync(() => replica.Sign.SignAsync(Sign("removed-member-signer")), StatusCode.NotFound, "SIGNER_NOT_FOUND");
        var denied = Assert.Single(await EventsAsync("signature.denied", "removed-member-signer"));
        Assert.Equal(("NOT_A_MEMBER", "removed-member"), (denied.Reason, denied.Actor.Name));
        Assert.Equal(2, (await EventsAsync("signature.created", "removed-member-signer")).Count);
    }

    [Fact]
    public async Task A_signer_disabled_on_one_server_signs_nothing_more_on_the_other_and_signs_again_once_enabled()
    {
        var (replica, _) = await SignedOnTheReplicaAsync("toggled-member", "toggled-signer");

        await fixture.Admin.Signers.SetSignerEnabledAsync(new SetSignerEnabledRequest { Signer = "toggled-signer", Enabled = false });
        await Rpc.FailsAsync(() => replica.Sign.SignAsync(Sign("toggled-signer")), StatusCode.FailedPrecondition, "SIGNER_DISABLED");
        var denied = Assert.Single(await EventsAsync("signature.denied", "toggled-signer"));
        Assert.Equal("SIGNER_DISABLED", denied.Reason);

        await fixture.Admin.Signers.SetSignerEnabledAsync(new SetSignerEnabledRequest { Signer = "toggled-signer", Enabled = true });
        await replica.Sign.SignAsync(Sign("toggled-signer"));
        Assert.Equal(3, (await EventsAsync("signature.created", "toggled-signer")).Count);
    }

    [Fact]
    public async Task A_member_demoted_on_one_server_cannot_sign_on_the_other_on_its_very_next_call()
    {
        var (replica, _) = await SignedOnTheReplicaAsync("demoted-member", "demoted-signer");

        await fixture.Admin.Members.SetMemberAsync(new SetMemberRequest { Signer = "demoted-signer", Principal = InProcessServer.UserRef("demoted-member"), Role = Role.Auditor });

        await Rpc.FailsAsync(() => replica.Sign.SignAsync(Sign("demoted-signer")), StatusCode.PermissionDenied, "ROLE_FORBIDS");
    }

    private async Task<IReadOnlyList<AuditEvent>> EventsAsync(string type, string? signer = null) =>
        (await fixture.Admin.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest
        {
            Filter = new AuditFilter { Types_ = { type }, Signer = signer ?? "" }, PageSize = 1000,
        })).Events;
}
