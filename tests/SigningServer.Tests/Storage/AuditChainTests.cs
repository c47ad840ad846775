using CodeSigning.Server.Audit;
using CodeSigning.Server.Domain;
using CodeSigning.Server.Storage;
using CodeSigning.Server.Tests.Keys;
using CodeSigning.Tests.Shared;
using CodeSigning.V1;

namespace CodeSigning.Server.Tests.Storage;

/// <summary>
/// The audit log is one hash chain per Signer plus a server-wide one. On PostgreSQL appends to
/// different chains run at once (the writers' lock held shared), appends to one chain and every other
/// writer wait; on SQLite there is one writer. On SQLite, and on PostgreSQL when CODESIGN_TEST_STORE=postgres.
/// </summary>
public sealed class AuditChainTests : IDisposable
{
    private static readonly TimeSpan Blocked = TimeSpan.FromMilliseconds(700);
    private static readonly TimeSpan Finishes = TimeSpan.FromSeconds(20);

    private readonly TempDirectory _directory = new();
    private readonly IStore _store;
    private readonly AuditLog _audit = new(TimeProvider.System);

    public AuditChainTests()
    {
        _store = new DatabaseLocation(_directory.Path, TestDatabase.Create()).Open();
        using var session = _store.Begin();
        foreach (var id in new[] { "s-1", "s-2" })
        {
            session.InsertSigner(new SignerRecord(id, $"signer-{id}", "", KeyAlgorithm.EcP256, true, CertificateAuthorityKind.Internal, "CN=x",
                [1], [2], [], null, DateTimeOffset.UtcNow, "software"));
        }
        session.Commit();
    }

    public void Dispose()
    {
        (_store as IDisposable)?.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public void Events_about_a_Signer_link_into_its_own_chain_and_the_others_into_the_server_wide_chain()
    {
        var appended = new[] { "", "s-1", "s-2", "s-1", "", "s-1" }.Select(Append).ToList();

        Assert.Equal(["", "s-1", "s-2", "s-1", "", "s-1"], appended.Select(e => e.Chain));
        Assert.Equal([1L, 1, 1, 2, 2, 3], appended.Select(e => e.ChainSequence));
        Assert.True(appended.Zip(appended.Skip(1)).All(p => p.Second.Sequence > p.First.Sequence));
        Assert.Equal(appended[1].Hash, appended[3].PreviousHash);
        Assert.Equal(appended[3].Hash, appended[5].PreviousHash);
        Assert.Equal(appended[0].Hash, appended[4].PreviousHash);
        Assert.Equal(new byte[32], appended[2].PreviousHash);
        using var session = _store.BeginRead();
        var verified = AuditLog.Verify(session);
        Assert.True(verified.Valid, verified.Message);
        Assert.Equal(6, verified.EventsChecked);
    }

    [Fact]
    public async Task Appends_on_different_chains_run_at_once_and_one_chain_or_a_writer_waits()
    {
        Assert.Equal(TestDatabase.IsPostgres, _store.ParallelAppends);
        using var first = _store.BeginAppend();
        _audit.Append(first, Entry("s-1"));

        var otherChain = Task.Run(() => Commit(_store.BeginAppend(), "s-2"));
        if (TestDatabase.IsPostgres)
        {
            // Across replicas too: each of these is a connection of its own, as another replica's would be.
            Assert.Same(otherChain, await Task.WhenAny(otherChain, Task.Delay(Finishes)));
        }
        // (Started after: a writer waiting for the lock goes before appends that ask for it later.)
        var sameChain = Task.Run(() => Commit(_store.BeginAppend(), "s-1"));
        var writer = Task.Run(() => Commit(_store.Begin(), ""));
        if (TestDatabase.IsPostgres)
        {
            await Task.Delay(Blocked);
            Assert.False(sameChain.IsCompleted, "an append to a chain another append holds went ahead");
            Assert.False(writer.IsCompleted, "a writer went ahead beside an append");
        }
        else
        {
            await Task.Delay(Blocked);
            Assert.False(otherChain.IsCompleted || sameChain.IsCompleted || writer.IsCompleted, "SQLite has one writer");
        }

        first.Commit();
        first.Dispose();
        await Task.WhenAll(otherChain, sameChain, writer).WaitAsync(Finishes);
        using var session = _store.BeginRead();
        var verified = AuditLog.Verify(session);
        Assert.True(verified.Valid, verified.Message);
        Assert.Equal(4, verified.EventsChecked);
        Assert.Equal(2, session.ReadAuditChain("s-1", 0, 10).Count);
    }

    [Fact]
    public void An_append_transaction_holds_one_chain_where_appends_run_in_parallel()
    {
        using var session = _store.BeginAppend();
        _audit.Append(session, Entry("s-1"));

        if (TestDatabase.IsPostgres)
        {
            var error = Assert.Throws<InvalidOperationException>(() => _audit.Append(session, Entry("s-2")));
            Assert.Equal("an append transaction appends to one audit chain; it holds 's-1' and asked for 's-2'", error.Message);
        }
        else
        {
            Assert.Equal("s-2", _audit.Append(session, Entry("s-2")).Chain);
        }
    }

    [Fact]
    public void A_follower_waits_at_a_missing_number_and_passes_it_after_the_gap_wait()
    {
        var before = Append("s-1");
        using (var rolledBack = _store.BeginAppend())
        {
            _audit.Append(rolledBack, Entry("s-2"));
        }
        var after = Append("s-2");
        var now = DateTimeOffset.UtcNow;
        var cursor = new AuditFollowCursor(before.Sequence);
        using var session = _store.BeginRead();

        if (TestDatabase.IsPostgres)
        {
            // The rolled-back append took a number from the sequence: a gap just as an append still under way leaves.
            Assert.Equal(before.Sequence + 2, after.Sequence);
            Assert.Equal(before.Sequence, cursor.Horizon(session, now));
            Assert.Equal(before.Sequence, cursor.Horizon(session, now + AuditFollowCursor.GapWait - TimeSpan.FromSeconds(1)));
            Assert.Equal(before.Sequence + 1, cursor.Horizon(session, now + AuditFollowCursor.GapWait));
            cursor.Advance(before.Sequence + 1);
            Assert.Equal(after.Sequence, cursor.Horizon(session, now + AuditFollowCursor.GapWait));
        }
        else
        {
            // One writer numbers from the newest event: nothing is ever missing.
            Assert.Equal(before.Sequence + 1, after.Sequence);
            Assert.Equal(after.Sequence, cursor.Horizon(session, now));
        }
    }

    private AuditRecord Append(string signerId)
    {
        using var session = signerId.Length == 0 ? _store.Begin() : _store.BeginAppend();
        var record = _audit.Append(session, Entry(signerId));
        session.Commit();
        return record;
    }

    private void Commit(IStoreSession session, string signerId)
    {
        using (session)
        {
            _audit.Append(session, Entry(signerId));
            session.Commit();
        }
    }

    private static AuditEntry Entry(string signerId) =>
        new(AuditEventTypes.SignatureCreated, AuditOutcome.Success, null, AuditClient.None, "") { SignerId = signerId, SignerName = signerId };
}
