using CodeSigning.Server.Domain;
using CodeSigning.Server.Storage;
using CodeSigning.Server.Tests.Keys;
using CodeSigning.Tests.Shared;
using CodeSigning.V1;

namespace CodeSigning.Server.Tests.Storage;

/// <summary>
/// The authorization version the request path's caches hold under: every write method of the store
/// is listed here with whether it must move the version, and each is run to prove it does (or does
/// not). A new write method fails the first test until it is listed. On SQLite, and on PostgreSQL
/// when CODESIGN_TEST_STORE=postgres.
/// </summary>
public sealed class AuthorizationVersionTests : IDisposable
{
    private static readonly Principal Operator = new(PrincipalKind.User, "u-1", "operator");
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    // Method name -> (whether it must move the version, a call of it on the fixture's rows).
    private static readonly Dictionary<string, (bool Moves, Action<IStoreSession> Call)> Writes = new()
    {
        ["SetSetting"] = (false, s => s.SetSetting("test", [1])),
        ["AddToCounter"] = (false, s => s.AddToCounter("timestamp.serial", 1)),
        ["InsertUser"] = (true, s => s.InsertUser(new UserRecord("u-2", "second", "", "", false, true, Now))),
        ["UpdateUser"] = (true, s => s.UpdateUser(new UserRecord("u-1", "operator", "", "", false, false, Now))),
        ["InsertApiKey"] = (true, s => s.InsertApiKey(new ApiKeyRecord("k-2", "u-1", "operator", "", [1], [2], Now, Now.AddDays(1), null, false, null))),
        ["RevokeApiKey"] = (true, s => s.RevokeApiKey("k-1")),
        ["RevokeApiKeysOfUser"] = (true, s => s.RevokeApiKeysOfUser("u-1")),
        // Its last use: for people reviewing keys, read by nothing that decides.
        ["TouchApiKey"] = (false, s => s.TouchApiKey("k-1", Now)),
        ["InsertServiceAccount"] = (true, s => s.InsertServiceAccount(new ServiceAccountRecord("sa-2", "second-ci", "", "client-2", true, Now))),
        ["SetServiceAccountEnabled"] = (true, s => s.SetServiceAccountEnabled("sa-1", false)),
        ["ArchiveServiceAccount"] = (true, s => s.ArchiveServiceAccount("sa-1", Now)),
        ["InsertServiceAccountKey"] = (true, s => s.InsertServiceAccountKey(new ServiceAccountKeyRecord("kid-2", "sa-1", "ES256", [1], "f2", Now))),
        ["DeleteServiceAccountKey"] = (true, s => s.DeleteServiceAccountKey("sa-1", "kid-1")),
        ["InsertAccessToken"] = (true, s => s.InsertAccessToken(new AccessTokenRecord("t-2", "sa-1", [1], [2], Now.AddHours(1), "kid-1", false))),
        ["RevokeAccessTokens"] = (true, s => s.RevokeAccessTokens("sa-1", null)),
        ["TryRecordAssertionId"] = (false, s => s.TryRecordAssertionId("client-1", "jti-1", Now.AddHours(1), Now)),
        ["InsertGroup"] = (true, s => s.InsertGroup(new GroupRecord("g-2", "second-team", ""))),
        ["DeleteGroup"] = (true, s => s.DeleteGroup("g-1")),
        ["AddGroupMember"] = (true, s => s.AddGroupMember("g-1", new Principal(PrincipalKind.User, "u-1", "operator"))),
        ["RemoveGroupMember"] = (true, s => s.RemoveGroupMember("g-1", "u-1")),
        ["InsertSigner"] = (true, s => s.InsertSigner(Signer("s-2", "second"))),
        ["UpdateSigner"] = (true, s => s.UpdateSigner(Signer("s-1", "release") with { Enabled = false })),
        ["RetireCertificates"] = (false, s => s.RetireCertificates("s-1", [[9]], Now)),
        ["UpdateKeyReference"] = (true, s => s.UpdateKeyReference("s-1", [7])),
        ["SetMember"] = (true, s => s.SetMember(new MemberRecord("s-1", Operator, Role.Auditor))),
        ["RemoveMember"] = (true, s => s.RemoveMember("s-1", "u-1")),
        ["SetPolicy"] = (true, s => s.SetPolicy(new PolicyRecord("s-1", [Operator], 1, 0, TimeSpan.Zero, TimeSpan.FromHours(1)))),
        ["DeletePolicy"] = (true, s => s.DeletePolicy("s-1")),
        ["InsertSigningRequest"] = (false, s => s.InsertSigningRequest(Request("r-2"))),
        ["UpdateSigningRequest"] = (false, s => s.UpdateSigningRequest("r-1", SigningRequestState.Denied, null)),
        ["InsertDecision"] = (false, s => s.InsertDecision(new DecisionRecord("r-1", Operator, false, "", Now))),
        ["InsertGrant"] = (true, s => s.InsertGrant(Grant("gr-2"))),
        // A unit consumed: the signing transaction's own conditional update, which must not serialize signatures on the counter.
        ["TryConsumeGrant"] = (false, s => s.TryConsumeGrant("gr-1", 5, Now, Now.AddHours(1))),
        ["RevokeGrant"] = (true, s => s.RevokeGrant("gr-1")),
        ["InsertWebhook"] = (false, s => s.InsertWebhook(new WebhookRecord("w-2", "https://127.0.0.1/hook", [], null, [1], Now, Operator))),
        ["DeleteWebhook"] = (false, s => s.DeleteWebhook("w-1")),
        ["InsertWebhookDelivery"] = (false, s => s.InsertWebhookDelivery(Delivery("d-2"))),
        ["ClaimWebhookDeliveries"] = (false, s => s.ClaimWebhookDeliveries("me", Now, Now.AddMinutes(1), 10)),
        ["FinishWebhookDeliveryAttempt"] = (false, s => s.FinishWebhookDeliveryAttempt(Delivery("d-1") with { Attempts = 1 }, "me")),
        ["LockAuditChain"] = (false, s => s.LockAuditChain("")),
        ["NextAuditSequence"] = (false, s => s.NextAuditSequence()),
        ["InsertAuditEvent"] = (false, s => s.InsertAuditEvent(new AuditRecord(s.NextAuditSequence(), "e-1", Now, "test.event", AuditOutcome.Success, Operator, "", "", "",
            AuditClient.None, "", new SortedDictionary<string, string>(StringComparer.Ordinal), new byte[32], new byte[32], "", (s.LockAuditChain("")?.ChainSequence ?? 0) + 1))),
    };

    private readonly TempDirectory _directory = new();
    private readonly DatabaseLocation _location;
    private readonly IStore _store;

    public AuthorizationVersionTests()
    {
        _location = new DatabaseLocation(_directory.Path, TestDatabase.Create());
        _store = _location.Open();
        using var session = _store.Begin();
        session.InsertUser(new UserRecord("u-1", "operator", "", "", false, true, Now));
        session.InsertApiKey(new ApiKeyRecord("k-1", "u-1", "operator", "", [1], [2], Now, Now.AddDays(1), null, false, null));
        session.InsertServiceAccount(new ServiceAccountRecord("sa-1", "ci", "", "client-1", true, Now));
        session.InsertServiceAccountKey(new ServiceAccountKeyRecord("kid-1", "sa-1", "ES256", [1], "f1", Now));
        session.InsertAccessToken(new AccessTokenRecord("t-1", "sa-1", [1], [2], Now.AddHours(1), "kid-1", false));
        session.InsertGroup(new GroupRecord("g-1", "team", ""));
        session.InsertSigner(Signer("s-1", "release"));
        session.SetMember(new MemberRecord("s-1", Operator, Role.Operator));
        session.InsertSigningRequest(Request("r-1"));
        session.InsertGrant(Grant("gr-1"));
        session.InsertWebhook(new WebhookRecord("w-1", "https://127.0.0.1/hook", [], null, [1], Now, Operator));
        session.InsertWebhookDelivery(Delivery("d-1"));
        session.Commit();
    }

    public void Dispose()
    {
        (_store as IDisposable)?.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public void Every_write_method_of_the_store_is_listed_with_whether_it_moves_the_version()
    {
        var reads = new[] { "Find", "List", "Get", "Query", "Has", "Count", "Last", "Read", "Audit" };
        var writes = typeof(IStoreSession).GetMethods().Select(m => m.Name)
            .Where(n => n is not ("Commit" or "Dispose" or nameof(IStoreSession.AuthorizationVersion)) && !reads.Any(r => n.StartsWith(r, StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal).ToList();

        Assert.Equal(writes, Writes.Keys.Order(StringComparer.Ordinal).ToList());
    }

    public static TheoryData<string> WriteMethods => new(Writes.Keys);

    [Theory]
    [MemberData(nameof(WriteMethods))]
    public void A_committed_write_moves_the_version_once_exactly_when_authorization_could_read_what_it_changed(string method)
    {
        var before = Version(_store);
        using (var session = _store.Begin())
        {
            Writes[method].Call(session);
            session.Commit();
        }

        Assert.Equal(before + (Writes[method].Moves ? 1 : 0), Version(_store));
    }

    [Fact]
    public void A_write_rolled_back_leaves_the_version()
    {
        var before = Version(_store);
        using (var session = _store.Begin())
        {
            session.RevokeApiKey("k-1");
            session.RemoveMember("s-1", "u-1");
        }

        Assert.Equal(before, Version(_store));
        using var read = _store.BeginRead();
        Assert.False(read.FindApiKey("k-1")!.Revoked);
    }

    [Fact]
    public void Another_store_on_the_same_database_sees_the_version_move_in_a_snapshot_and_on_its_own()
    {
        var replica = _location.Open();
        try
        {
            var before = Version(replica);
            Assert.Equal(before, Version(_store));
            using (var session = _store.Begin())
            {
                session.RemoveMember("s-1", "u-1");
                session.Commit();
            }

            Assert.Equal(before + 1, Version(replica));
            Assert.Equal(before + 1, replica.AuthorizationVersion());
        }
        finally
        {
            (replica as IDisposable)?.Dispose();
        }
    }

    [Fact]
    public void The_signer_without_its_chain_says_whether_it_has_one()
    {
        using (var session = _store.Begin())
        {
            session.InsertSigner(Signer("s-2", "no-chain") with { Chain = [] });
            session.Commit();
        }
        using var read = _store.BeginRead();

        var (withChain, hasChain) = read.FindSignerWithoutChain("release")!.Value;
        Assert.Equal(("s-1", true, 0), (withChain.Id, hasChain, withChain.Chain.Count));
        Assert.False(read.FindSignerWithoutChain("s-2")!.Value.HasChain);
        Assert.Null(read.FindSignerWithoutChain("missing"));
    }

    private static long Version(IStore store)
    {
        using var session = store.BeginRead();
        return session.AuthorizationVersion();
    }

    private static SignerRecord Signer(string id, string name) =>
        new(id, name, "", KeyAlgorithm.EcP256, true, CertificateAuthorityKind.Internal, "CN=" + name, [1], [2], [[3], [4]], null, Now, "software");

    private static SigningRequestRecord Request(string id) =>
        new(id, "s-1", Operator, "why", 1, TimeSpan.FromHours(1), SigningRequestState.Pending, Now, Now.AddHours(1), null);

    private static GrantRecord Grant(string id) => new(id, "s-1", Operator, 5, 0, Now.AddMinutes(-1), Now.AddHours(1), null, Operator, false);

    private static WebhookDeliveryRecord Delivery(string id) =>
        new(id, "w-1", "e-0", "signature.created", "s-1", "release", "{}", WebhookDeliveryState.Pending, 0, Now, 0, "", Now, null);
}
