using CodeSigning.Server.Domain;
using CodeSigning.Server.Storage;
using CodeSigning.Server.Tests.Keys;
using CodeSigning.Tests.Shared;
using CodeSigning.V1;

namespace CodeSigning.Server.Tests.Storage;

/// <summary>
/// A grant unit is taken by one conditional row update that re-checks the grant and the policy in
/// force: a spent, revoked, expired or not-yet-valid grant, or one beyond a tightened policy, gives
/// nothing and stays as it was. On SQLite, and on PostgreSQL when CODESIGN_TEST_STORE=postgres.
/// </summary>
public sealed class GrantConsumptionTests : IDisposable
{
    private static readonly Principal Operator = new(PrincipalKind.User, "u-operator", "operator");
    private static readonly Principal Approver = new(PrincipalKind.User, "u-approver", "approver");

    private readonly TempDirectory _directory = new();
    private readonly IStore _store;
    private readonly DateTimeOffset _now = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    private readonly PolicyRecord _policy;

    public GrantConsumptionTests()
    {
        _store = new DatabaseLocation(_directory.Path, TestDatabase.Create()).Open();
        _policy = new PolicyRecord("s-1", [Approver], 1, 0, TimeSpan.Zero, TimeSpan.FromHours(1));
        using var session = _store.Begin();
        session.InsertSigner(new SignerRecord("s-1", "release", "", KeyAlgorithm.EcP256, true, CertificateAuthorityKind.Internal, "CN=release",
            [1], [2], [], null, _now, "software"));
        session.Commit();
    }

    public void Dispose()
    {
        (_store as IDisposable)?.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public void A_grant_gives_exactly_its_allowance_and_then_nothing()
    {
        var grant = Create(2, TimeSpan.FromHours(1));

        Assert.Equal([true, true, false], Enumerable.Range(0, 3).Select(_ => Consume(grant, _policy, _now)).ToArray());
        Assert.Equal(2, Stored(grant).Used);
    }

    [Fact]
    public void Parallel_writers_never_take_more_units_than_the_grant_allows()
    {
        var grant = Create(5, TimeSpan.FromHours(1));

        var taken = Enumerable.Range(0, 12).AsParallel().WithDegreeOfParallelism(6).Count(_ => Consume(grant, _policy, _now));

        Assert.Equal(5, taken);
        Assert.Equal(5, Stored(grant).Used);
    }

    [Fact]
    public void A_revoked_expired_or_not_yet_valid_grant_gives_nothing_and_is_unchanged()
    {
        var grant = Create(3, TimeSpan.FromMinutes(10));

        Assert.False(Consume(grant, _policy, _now - TimeSpan.FromSeconds(1)));
        Assert.False(Consume(grant, _policy, _now + TimeSpan.FromMinutes(10)));
        using (var session = _store.Begin())
        {
            Grants.Revoke(session, grant);
            session.Commit();
        }
        Assert.False(Consume(grant, _policy, _now));
        Assert.Equal(0, Stored(grant).Used);
    }

    [Fact]
    public void A_policy_tightened_after_the_grant_limits_its_units_and_its_window_at_consumption()
    {
        var grant = Create(10, TimeSpan.FromHours(2));
        var tighter = _policy with { MaxSignaturesPerGrant = 2, MaxGrantWindow = TimeSpan.FromHours(1) };

        Assert.False(Consume(grant, tighter, _now + TimeSpan.FromHours(1)));
        Assert.Equal([true, true, false], Enumerable.Range(0, 3).Select(_ => Consume(grant, tighter, _now)).ToArray());
        Assert.Equal(2, Stored(grant).Used);
        Assert.False(Grants.IsLive(Stored(grant), tighter, _now));
        Assert.True(Grants.IsLive(Stored(grant), _policy, _now));
    }

    private GrantRecord Create(long count, TimeSpan window)
    {
        using var session = _store.Begin();
        var grant = Grants.Create(session, "s-1", Operator, count, _now, window, null, Approver);
        session.Commit();
        return grant;
    }

    private bool Consume(GrantRecord grant, PolicyRecord policy, DateTimeOffset now)
    {
        using var session = _store.Begin();
        var consumed = Grants.TryConsume(session, grant, policy, now);
        session.Commit();
        return consumed;
    }

    private GrantRecord Stored(GrantRecord grant)
    {
        using var session = _store.BeginRead();
        return session.FindGrant(grant.Id)!;
    }
}
