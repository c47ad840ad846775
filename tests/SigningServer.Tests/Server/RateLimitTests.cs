using CodeSigning.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace CodeSigning.Server.Tests.Server;

/// <summary>Failed authentications are limited per remote address, for a minute.</summary>
public sealed class RateLimitTests(RateLimitTests.Fixture fixture) : IClassFixture<RateLimitTests.Fixture>
{
    public sealed class Fixture : InProcessServer;

    [Fact]
    public async Task Ten_failures_a_minute_lock_the_address_out_even_with_a_good_key()
    {
        var intruder = fixture.As("csk_0123456789ab_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        for (var i = 0; i < 10; i++)
        {
            await Rpc.FailsAsync(() => intruder.Identity.WhoAmIAsync(new Empty()), StatusCode.Unauthenticated, "CREDENTIAL_INVALID");
        }
        await Rpc.FailsAsync(() => intruder.Identity.WhoAmIAsync(new Empty()), StatusCode.ResourceExhausted, "RATE_LIMITED");
        await Rpc.FailsAsync(() => fixture.Admin.Identity.WhoAmIAsync(new Empty()), StatusCode.ResourceExhausted, "RATE_LIMITED");

        fixture.Clock.Advance(TimeSpan.FromSeconds(61));
        var me = await fixture.Admin.Identity.WhoAmIAsync(new Empty());
        Assert.Equal("admin", me.Principal.Name);
    }
}
