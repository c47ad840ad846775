using CodeSigning.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace CodeSigning.Server.Tests.Server;

/// <summary>Failed authentications are limited per remote address, for a minute, and audited; a good key from the same address still works.</summary>
public sealed class RateLimitTests(RateLimitTests.Fixture fixture) : IClassFixture<RateLimitTests.Fixture>
{
    public sealed class Fixture : InProcessServer;

    [Fact]
    public async Task Ten_failures_a_minute_lock_the_address_failures_out_but_not_a_good_key_and_the_lockout_is_audited_once()
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
        // Behind a NAT the good client shares the guesser's address: it must not be locked out.
        Assert.Equal("admin", (await fixture.Admin.Identity.WhoAmIAsync(new Empty())).Principal.Name);

        fixture.Clock.Advance(TimeSpan.FromSeconds(61));
        await Rpc.FailsAsync(() => intruder.Identity.WhoAmIAsync(new Empty()), StatusCode.Unauthenticated, "CREDENTIAL_INVALID");

        var added = (await EventsAsync()).Skip(before.Count).ToList();
        Assert.Equal(11, added.Count(e => e is { Type: "auth.failed", Reason: "CREDENTIAL_INVALID", RemoteAddress: "127.0.0.1" }));
        var lockout = Assert.Single(added, e => e.Type == "auth.rate_limited");
        Assert.Equal((AuditOutcome.Denied, "RATE_LIMITED", "127.0.0.1", "10", "address"),
            (lockout.Outcome, lockout.Reason, lockout.RemoteAddress, lockout.Details["failures_per_minute"], lockout.Details["limited_by"]));
        Assert.Null(lockout.Actor);
        Assert.Equal(12, added.Count);
    }

    private async Task<IReadOnlyList<AuditEvent>> EventsAsync() =>
        (await fixture.Admin.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest { PageSize = 1000 })).Events;
}
