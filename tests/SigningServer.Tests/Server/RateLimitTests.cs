using CodeSigning.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace CodeSigning.Server.Tests.Server;

/// <summary>Failed authentications are limited per remote address, for a minute, and audited.</summary>
public sealed class RateLimitTests(RateLimitTests.Fixture fixture) : IClassFixture<RateLimitTests.Fixture>
{
    public sealed class Fixture : InProcessServer;

    [Fact]
    public async Task Ten_failures_a_minute_lock_the_address_out_even_with_a_good_key_and_the_lockout_is_audited_once()
    {
        var before = await EventsAsync();
        var intruder = fixture.As("csk_0123456789ab_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        for (var i = 0; i < 10; i++)
        {
            await Rpc.FailsAsync(() => intruder.Identity.WhoAmIAsync(new Empty()), StatusCode.Unauthenticated, "CREDENTIAL_INVALID");
        }
        for (var i = 0; i < 5; i++)
        {
            await Rpc.FailsAsync(() => intruder.Identity.WhoAmIAsync(new Empty()), StatusCode.ResourceExhausted, "RATE_LIMITED");
        }
        await Rpc.FailsAsync(() => fixture.Admin.Identity.WhoAmIAsync(new Empty()), StatusCode.ResourceExhausted, "RATE_LIMITED");

        fixture.Clock.Advance(TimeSpan.FromSeconds(61));
        var me = await fixture.Admin.Identity.WhoAmIAsync(new Empty());
        Assert.Equal("admin", me.Principal.Name);

        var added = (await EventsAsync()).Skip(before.Count).ToList();
        Assert.Equal(10, added.Count(e => e is { Type: "auth.failed", Reason: "CREDENTIAL_INVALID", RemoteAddress: "127.0.0.1" }));
        var lockout = Assert.Single(added, e => e.Type == "auth.rate_limited");
        Assert.Equal((AuditOutcome.Denied, "RATE_LIMITED", "127.0.0.1", "10"), (lockout.Outcome, lockout.Reason, lockout.RemoteAddress, lockout.Details["failures_per_minute"]));
        Assert.Null(lockout.Actor);
        Assert.Equal(11, added.Count);
    }

    private async Task<IReadOnlyList<AuditEvent>> EventsAsync() =>
        (await fixture.Admin.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest { PageSize = 1000 })).Events;
}
