using System.Data.Common;
using CodeSigning.Server.Audit;
using CodeSigning.Server.Domain;
using CodeSigning.Server.Keys;
using CodeSigning.Server.Storage;
using CodeSigning.Tests.Shared;
using CodeSigning.V1;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;

namespace CodeSigning.Server.Tests.Server;

/// <summary>
/// Key operations run in parallel and their grant units and audit events are committed in groups:
/// each signature still gets exactly one durable event, is re-authorized at commit, and is never
/// returned when its commit fails.
/// </summary>
public sealed class GroupCommitTests(GroupCommitTests.Fixture fixture) : IClassFixture<GroupCommitTests.Fixture>
{
    public sealed class Fixture : InProcessServer
    {
        public User Operator { get; private set; } = null!;
        public Clients OperatorClients { get; private set; } = null!;

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            (Operator, OperatorClients, _) = await CreateUserAsync("operator");
        }
    }

    [Fact]
    public async Task Concurrent_signatures_each_get_exactly_one_audit_event_and_the_chain_verifies()
    {
        await fixture.CreateSignerAsync("parallel", KeyAlgorithm.EcP256, ("admin", Role.Administrator), ("operator", Role.Operator));

        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(async i =>
            (Correlation: $"call-{i}", Response: await fixture.OperatorClients.Sign.SignAsync(Request("parallel", $"call-{i}")))));

        var created = (await fixture.Admin.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest
        {
            Filter = new AuditFilter { Signer = "parallel", Types_ = { "signature.created" } }, PageSize = 1000,
        })).Events;
        Assert.Equal(40, created.Count);
        foreach (var (correlation, response) in responses)
        {
            var audited = Assert.Single(created, e => e.Client.CorrelationId == correlation);
            Assert.Equal(audited.Id, response.AuditEventId);
        }
        var chain = await fixture.Admin.Audit.VerifyAuditChainAsync(new VerifyAuditChainRequest());
        Assert.True(chain.Valid, chain.Message);
    }

    [Fact]
    public async Task A_signature_whose_commit_fails_is_not_returned_and_fails_alone()
    {
        await fixture.CreateSignerAsync("doomed", KeyAlgorithm.EcP256, ("admin", Role.Administrator), ("operator", Role.Operator));
        var grant = await GrantAsync("doomed", 10);
        // The store refuses this one call's audit event, as a full disk or a lost database would.
        Execute(TestDatabase.IsPostgres
            ? """
              CREATE FUNCTION refuse_doomed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$;
              CREATE TRIGGER refuse_doomed BEFORE INSERT ON audit_events FOR EACH ROW
                  WHEN (NEW.client_correlation_id = 'doomed' AND NEW.type = 'signature.created') EXECUTE FUNCTION refuse_doomed();
              """
            : """
              CREATE TRIGGER refuse_doomed BEFORE INSERT ON audit_events
                  WHEN NEW.client_correlation_id = 'doomed' AND NEW.type = 'signature.created' BEGIN SELECT RAISE(ABORT, 'disk full'); END;
              """);
        try
        {
            var others = Enumerable.Range(0, 8).Select(i => fixture.OperatorClients.Sign.SignAsync(Request("doomed", $"other-{i}")).ResponseAsync).ToList();
            await Rpc.FailsAsync(() => fixture.OperatorClients.Sign.SignAsync(Request("doomed", "doomed")), StatusCode.Internal, "KEY_OPERATION_FAILED");
            await Task.WhenAll(others);
        }
        finally
        {
            Execute(TestDatabase.IsPostgres ? "DROP TRIGGER refuse_doomed ON audit_events; DROP FUNCTION refuse_doomed();" : "DROP TRIGGER refuse_doomed");
        }

        var spent = Assert.Single((await fixture.Admin.Approvals.ListGrantsAsync(new ListGrantsRequest { Signer = "doomed" })).Grants);
        Assert.Equal((grant.Id, 8L), (spent.Id, spent.SignaturesUsed));
        var events = await SignatureEventsAsync("doomed");
        Assert.Equal(8, events.Count(e => e.Type == "signature.created"));
        var failed = Assert.Single(events, e => e.Client.CorrelationId == "doomed");
        Assert.Equal(("signature.failed", AuditOutcome.Failed, "KEY_OPERATION_FAILED"), (failed.Type, failed.Outcome, failed.Reason));
        Assert.False(failed.Details.ContainsKey("grant_id"));
        Assert.True((await fixture.Admin.Audit.VerifyAuditChainAsync(new VerifyAuditChainRequest())).Valid);
    }

    /// <summary>The change, what the caller hears, and the reason the audit log records.</summary>
    public static TheoryData<string, StatusCode, string, string> ChangesDuringTheKeyOperation => new()
    {
        // A former member hears what anyone who may not see the Signer hears.
        { "remove-member", StatusCode.NotFound, "SIGNER_NOT_FOUND", "NOT_A_MEMBER" },
        { "disable-signer", StatusCode.FailedPrecondition, "SIGNER_DISABLED", "SIGNER_DISABLED" },
        { "revoke-grant", StatusCode.FailedPrecondition, "APPROVAL_REQUIRED", "APPROVAL_REQUIRED" },
    };

    [Theory]
    [MemberData(nameof(ChangesDuringTheKeyOperation))]
    public async Task A_change_between_the_check_and_the_commit_discards_the_signature(string change, StatusCode status, string reason, string auditedReason)
    {
        var signer = $"changed-{change}";
        await fixture.CreateSignerAsync(signer, KeyAlgorithm.EcP256, ("admin", Role.Administrator), ("operator", Role.Operator));
        var grant = await GrantAsync(signer, 1);
        // A pipeline of its own over the server's store and keys, whose key operation waits for the change.
        var store = new DatabaseLocation(fixture.DataDir, fixture.Database).Open();
        using var disposeStore = store as IDisposable;
        var software = SoftwareKeyVault.Open(fixture.DataDir);
        var vault = new PausingVault(software);
        using var committer = new GroupCommitter(store, NullLogger<GroupCommitter>.Instance);
        using var vaults = new KeyVaults(software, SoftwareKeyVault.VaultKind, vault);
        var pipeline = new SignPipeline(store, committer, new AuditLog(fixture.Clock), vaults, fixture.Clock, NullLogger<SignPipeline>.Instance);
        var caller = new Caller(new Principal(PrincipalKind.User, fixture.Operator.Id, "operator"), false, "test", DateTimeOffset.MaxValue, "127.0.0.1");

        var signing = Task.Run(() => pipeline.SignAsync(caller, Request(signer, change)));
        await vault.Entered.WaitAsync(TimeSpan.FromMinutes(1));
        switch (change)
        {
            case "remove-member":
                await fixture.Admin.Members.RemoveMemberAsync(new RemoveMemberRequest { Signer = signer, Principal = InProcessServer.UserRef("operator") });
                break;
            case "disable-signer":
                await fixture.Admin.Signers.SetSignerEnabledAsync(new SetSignerEnabledRequest { Signer = signer, Enabled = false });
                break;
            default:
                await fixture.Admin.Approvals.RevokeGrantAsync(new RevokeGrantRequest { GrantId = grant.Id });
                break;
        }
        vault.Release.Release();

        var refused = await Assert.ThrowsAsync<ServiceException>(() => signing);
        Assert.Equal((status, reason), (refused.Status, refused.ReasonName));
        var events = await SignatureEventsAsync(signer);
        var denied = Assert.Single(events);
        Assert.Equal(("signature.denied", AuditOutcome.Denied, auditedReason, change), (denied.Type, denied.Outcome, denied.Reason, denied.Client.CorrelationId));
        var unspent = Assert.Single((await fixture.Admin.Approvals.ListGrantsAsync(new ListGrantsRequest { Signer = signer, IncludeSpent = true })).Grants);
        Assert.Equal(0L, unspent.SignaturesUsed);
    }

    private static SignRequest Request(string signer, string correlationId)
    {
        var request = SignTests.Request(signer, SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, new byte[32]);
        request.Client = new ClientContext { CorrelationId = correlationId };
        return request;
    }

    /// <summary>An approval policy on the Signer and a grant of <paramref name="count"/> signatures to the operator.</summary>
    private async Task<Grant> GrantAsync(string signer, long count)
    {
        await fixture.Admin.Approvals.SetApprovalPolicyAsync(new SetApprovalPolicyRequest
        {
            Signer = signer, Policy = new ApprovalPolicy { ApprovalsRequired = 1, Approvers = { InProcessServer.UserRef("admin") } },
        });
        return await fixture.Admin.Approvals.CreateGrantAsync(new CreateGrantRequest
        {
            Signer = signer, Grantee = InProcessServer.UserRef("operator"), SignaturesAllowed = count, Window = InProcessServer.Minutes(30),
        });
    }

    private async Task<IReadOnlyList<AuditEvent>> SignatureEventsAsync(string signer) =>
        (await fixture.Admin.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest
        {
            Filter = new AuditFilter { Signer = signer, Types_ = { "signature." } }, PageSize = 1000,
        })).Events;

    private void Execute(string sql)
    {
        using DbConnection connection = fixture.OpenDatabase();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>The real vault, whose key operation waits until the test has changed something.</summary>
    private sealed class PausingVault(IKeyVault inner) : IKeyVault
    {
        public SemaphoreSlim Entered { get; } = new(0);
        public SemaphoreSlim Release { get; } = new(0);

        public string Kind => inner.Kind;

        public VaultKey Generate(KeyAlgorithm algorithm, string label) => inner.Generate(algorithm, label);

        public void Discard(ReadOnlySpan<byte> keyReference) => inner.Discard(keyReference);

        public void Probe() => inner.Probe();

        public byte[] SignDigest(ReadOnlySpan<byte> keyReference, SignatureScheme scheme, DigestAlgorithm digestAlgorithm, ReadOnlySpan<byte> digest)
        {
            Entered.Release();
            if (!Release.Wait(TimeSpan.FromMinutes(1)))
            {
                throw new TimeoutException("the test never released the key operation");
            }
            return inner.SignDigest(keyReference, scheme, digestAlgorithm, digest);
        }
    }
}
