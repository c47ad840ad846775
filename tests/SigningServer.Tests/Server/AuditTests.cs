using System.Data.Common;
using CodeSigning.Tests.Shared;
using CodeSigning.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace CodeSigning.Server.Tests.Server;

/// <summary>The audit log records every outcome, each reader sees what its role allows, and the chain catches tampering.</summary>
public sealed class AuditTests(AuditTests.Fixture fixture) : IClassFixture<AuditTests.Fixture>
{
    public sealed class Fixture : InProcessServer
    {
        public Clients Operator { get; private set; } = null!;
        public Clients Auditor { get; private set; } = null!;

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            Operator = (await CreateUserAsync("operator")).Clients;
            Auditor = (await CreateUserAsync("auditor")).Clients;
            await CreateSignerAsync("audited", KeyAlgorithm.EcP256, ("admin", Role.Administrator), ("operator", Role.Operator), ("auditor", Role.Auditor));
            await CreateSignerAsync("elsewhere", KeyAlgorithm.EcP256, ("admin", Role.Administrator));
        }
    }

    [Fact]
    public async Task Every_success_denial_and_change_is_recorded_with_its_facts()
    {
        var sign = SignTests.Request("audited", SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, new byte[32]);
        await fixture.Operator.Sign.SignAsync(sign);
        await Rpc.FailsAsync(() => fixture.Auditor.Sign.SignAsync(sign), StatusCode.PermissionDenied, "ROLE_FORBIDS");
        await Rpc.FailsAsync(() => fixture.As("csk_0123456789ab_" + new string('A', 43)).Sign.SignAsync(sign), StatusCode.Unauthenticated, "CREDENTIAL_INVALID");
        await fixture.Admin.Members.SetMemberAsync(new SetMemberRequest { Signer = "audited", Principal = InProcessServer.UserRef("auditor"), Role = Role.Auditor });
        await fixture.Admin.Approvals.SetApprovalPolicyAsync(new SetApprovalPolicyRequest
        {
            Signer = "audited", Policy = new ApprovalPolicy { ApprovalsRequired = 1, Approvers = { InProcessServer.UserRef("admin") } },
        });
        var request = await fixture.Operator.Approvals.CreateSigningRequestAsync(new CreateSigningRequestRequest
        {
            Signer = "audited", SignatureCount = 1, Window = InProcessServer.Minutes(5), Justification = "hotfix",
        });
        await fixture.Admin.Approvals.ApproveSigningRequestAsync(new DecideSigningRequestRequest { RequestId = request.Id });
        var granted = await fixture.Operator.Sign.SignAsync(sign);
        await fixture.Admin.Approvals.ClearApprovalPolicyAsync(new ClearApprovalPolicyRequest { Signer = "audited" });

        var events = (await fixture.Admin.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest { PageSize = 1000 })).Events;
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Sequence));

        var signatures = events.Where(e => e.Type == "signature.created" && e.SignerName == "audited").ToList();
        Assert.Equal(2, signatures.Count);
        Assert.Equal(granted.GrantId, signatures[1].Details["grant_id"]);
        Assert.All(signatures, e => Assert.Equal(("operator", AuditOutcome.Success, "SIGNATURE_SCHEME_ECDSA"), (e.Actor.Name, e.Outcome, e.Details["scheme"])));

        var denied = Assert.Single(events, e => e.Type == "signature.denied");
        Assert.Equal(("auditor", AuditOutcome.Denied, "ROLE_FORBIDS", "audited"), (denied.Actor.Name, denied.Outcome, denied.Reason, denied.SignerName));

        var authFailed = Assert.Single(events, e => e.Type == "auth.failed");
        Assert.Equal(("CREDENTIAL_INVALID", "0123456789ab"), (authFailed.Reason, authFailed.Details["credential_id"]));
        Assert.Null(authFailed.Actor);

        Assert.Contains(events, e => e is { Type: "member.set", SignerName: "audited" } && e.Details["principal"] == "auditor" && e.Details["role"] == "Auditor");
        Assert.Contains(events, e => e is { Type: "policy.set", SignerName: "audited" });
        Assert.Contains(events, e => e.Type == "request.created" && e.Details["request_id"] == request.Id && e.Actor.Name == "operator");
        Assert.Contains(events, e => e.Type == "request.approved" && e.Details["request_id"] == request.Id && e.Details["grant_id"] == granted.GrantId);
        Assert.Contains(events, e => e is { Type: "policy.cleared", SignerName: "audited" });
        Assert.Contains(events, e => e is { Type: "signer.created", SignerName: "audited" });
        Assert.DoesNotContain(events, e => e.Details.Values.Any(v => v.Contains("csk_", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Readers_see_only_the_events_of_signers_they_are_members_of()
    {
        await fixture.Admin.Signers.SetSignerEnabledAsync(new SetSignerEnabledRequest { Signer = "elsewhere", Enabled = true });
        var mine = (await fixture.Auditor.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest { PageSize = 1000 })).Events;
        Assert.NotEmpty(mine);
        Assert.Contains(mine, e => e.SignerName == "audited");
        Assert.All(mine, e => Assert.Contains(e.SignerName, (string[])["audited", "followed"]));
        await Rpc.FailsAsync(() => fixture.Auditor.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest { Filter = new AuditFilter { Signer = "elsewhere" } }),
            StatusCode.NotFound, "SIGNER_NOT_FOUND");

        var pageOne = await fixture.Admin.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest { PageSize = 2 });
        var pageTwo = await fixture.Admin.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest { PageSize = 2, AfterSequence = pageOne.NextAfterSequence });
        Assert.Equal([1L, 2L, 3L, 4L], pageOne.Events.Concat(pageTwo.Events).Select(e => e.Sequence));
    }

    [Fact]
    public async Task Following_streams_matching_events_as_they_are_committed()
    {
        await fixture.CreateSignerAsync("followed", KeyAlgorithm.EcP256, ("admin", Role.Administrator), ("operator", Role.Operator), ("auditor", Role.Auditor));
        using var cancel = new CancellationTokenSource();
        var last = (await fixture.Admin.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest { PageSize = 1000 })).Events[^1].Sequence;
        using var follow = fixture.Auditor.Audit.FollowAuditEvents(new FollowAuditEventsRequest
        {
            Filter = new AuditFilter { Types_ = { "signature." } }, AfterSequence = last,
        }, cancellationToken: cancel.Token);

        await fixture.Admin.Members.CreateGroupAsync(new CreateGroupRequest { Name = "not-followed" });
        await fixture.Operator.Sign.SignAsync(SignTests.Request("followed", SignatureScheme.Ecdsa, DigestAlgorithm.Sha384, new byte[48]));

        Assert.True(await follow.ResponseStream.MoveNext(cancel.Token));
        var followed = follow.ResponseStream.Current;
        Assert.Equal(("signature.created", "followed", "DIGEST_ALGORITHM_SHA384"), (followed.Type, followed.SignerName, followed.Details["digest_algorithm"]));
        Assert.True(followed.Sequence > last);
        await cancel.CancelAsync();
    }

    [Fact]
    public async Task Only_product_admins_verify_the_chain()
    {
        await Rpc.FailsAsync(() => fixture.Operator.Audit.VerifyAuditChainAsync(new VerifyAuditChainRequest()), StatusCode.PermissionDenied, "PRODUCT_ADMIN_REQUIRED");
        var result = await fixture.Admin.Audit.VerifyAuditChainAsync(new VerifyAuditChainRequest());
        Assert.True(result.Valid, result.Message);
        Assert.Equal(0, result.FirstInvalidSequence);
    }

    [Fact]
    public void The_database_refuses_to_rewrite_audit_events()
    {
        using var connection = fixture.OpenDatabase();
        var error = Assert.ThrowsAny<DbException>(() => Execute(connection, "UPDATE audit_events SET reason = 'x' WHERE sequence = 1"));
        Assert.Contains("append-only", error.Message, StringComparison.Ordinal);
        Assert.ThrowsAny<DbException>(() => Execute(connection, "DELETE FROM audit_events WHERE sequence = 1"));
    }

    [Fact]
    public async Task Verify_finds_an_altered_event_and_a_removed_one()
    {
        // A separate server: this test breaks its chain on purpose.
        await using var server = new InProcessServerScope();
        await server.Server.InitializeAsync();
        var admin = server.Server.Admin;
        for (var i = 0; i < 3; i++)
        {
            await admin.Members.CreateGroupAsync(new CreateGroupRequest { Name = $"group-{i}" });
        }
        Assert.True((await admin.Audit.VerifyAuditChainAsync(new VerifyAuditChainRequest())).Valid);

        using (var connection = server.Server.OpenDatabase())
        {
            // An attacker with the database file: triggers do not stop them, the chain does.
            Execute(connection, TestDatabase.IsPostgres
                ? "ALTER TABLE audit_events DISABLE TRIGGER USER"
                : "DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;");
            // 1-2: init, 3: the timestamp authority's certificate at first start, 4-6: the groups.
            Execute(connection, "UPDATE audit_events SET details = '{\"group\":\"renamed\"}' WHERE sequence = 4");
        }
        var altered = await admin.Audit.VerifyAuditChainAsync(new VerifyAuditChainRequest());
        Assert.False(altered.Valid);
        Assert.Equal(4, altered.FirstInvalidSequence);
        Assert.Contains("altered", altered.Message, StringComparison.Ordinal);

        using (var connection = server.Server.OpenDatabase())
        {
            Execute(connection, "UPDATE audit_events SET details = '{\"group\":\"group-0\"}' WHERE sequence = 4; DELETE FROM audit_events WHERE sequence = 5");
        }
        var removed = await admin.Audit.VerifyAuditChainAsync(new VerifyAuditChainRequest());
        Assert.False(removed.Valid);
        Assert.Equal(5, removed.FirstInvalidSequence);
        Assert.Contains("missing", removed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_checkpoint_covers_every_Signer_chain_so_a_Signer_chain_cut_short_fails_verify()
    {
        await using var server = new InProcessServerScope();
        await server.Server.InitializeAsync();
        var admin = server.Server.Admin;
        var cut = await server.Server.CreateSignerAsync("cut", KeyAlgorithm.EcP256, ("admin", Role.Administrator));
        await server.Server.CreateSignerAsync("kept", KeyAlgorithm.EcP256, ("admin", Role.Administrator));
        foreach (var signer in new[] { "cut", "kept", "cut", "kept" })
        {
            await admin.Sign.SignAsync(SignTests.Request(signer, SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, new byte[32]));
        }
        var checkpoint = await admin.Audit.CreateAuditCheckpointAsync(new CreateAuditCheckpointRequest());
        Assert.Equal(32, checkpoint.Heads.Length);
        long newestOfCut;
        using (var connection = server.Server.OpenDatabase())
        {
            // Each Signer's events in a chain of their own, numbered from 1; the rest in the server-wide chain.
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT chain, signer_id, chain_sequence FROM audit_events WHERE chain <> '' OR signer_id <> '' ORDER BY sequence";
            var rows = new List<(string Chain, string SignerId, long Position)>();
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    rows.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
                }
            }
            Assert.All(rows, r => Assert.Equal(r.SignerId, r.Chain));
            var ofCut = rows.Where(r => r.Chain == cut.Id).Select(r => r.Position).ToList();
            Assert.Equal(Enumerable.Range(1, ofCut.Count).Select(i => (long)i), ofCut);
            newestOfCut = Scalar(connection, $"SELECT MAX(sequence) FROM audit_events WHERE chain = '{cut.Id}'");
            Assert.True(newestOfCut < checkpoint.Sequence);

            // The attack: the newest signature of one Signer removed. Its chain still links; the checkpoint does not match.
            Execute(connection, TestDatabase.IsPostgres
                ? "ALTER TABLE audit_events DISABLE TRIGGER USER"
                : "DROP TRIGGER audit_events_no_delete;");
            Execute(connection, $"DELETE FROM audit_events WHERE sequence = {newestOfCut}");
        }
        var verified = await admin.Audit.VerifyAuditChainAsync(new VerifyAuditChainRequest());
        Assert.False(verified.Valid);
        Assert.Equal($"the chain heads up to event {checkpoint.Sequence} are not the ones the checkpoint of " +
            $"{checkpoint.Time.ToDateTimeOffset().UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} (event {checkpoint.Sequence}) signed: events of a chain were deleted, or the database was replaced",
            verified.Message);
        // No new checkpoint papers over the cut.
        await Rpc.FailsAsync(() => admin.Audit.CreateAuditCheckpointAsync(new CreateAuditCheckpointRequest()), StatusCode.FailedPrecondition, "CONFLICT");
    }

    private static long Scalar(DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Execute(DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private sealed class InProcessServerScope : IAsyncDisposable
    {
        public InProcessServer Server { get; } = new();

        public async ValueTask DisposeAsync() => await Server.DisposeAsync();
    }
}
