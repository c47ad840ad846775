using System.Net;
using CodeSigning.Server.Hosting;
using Microsoft.AspNetCore.Http;

namespace CodeSigning.Server.Tests.Hosting;

/// <summary>
/// Who may read <c>/metrics</c>: callers on the server's host only. Tests reach the published server
/// over 127.0.0.1 alone, so the refusal of other addresses is checked on the middleware itself.
/// </summary>
public sealed class MetricsAccessTests
{
    [Theory]
    [InlineData("127.0.0.1", "/metrics", true)]
    [InlineData("::1", "/metrics", true)]
    [InlineData("::ffff:127.0.0.1", "/metrics", true)]
    [InlineData("10.1.2.3", "/metrics", false)]
    [InlineData("::ffff:10.1.2.3", "/metrics", false)]
    [InlineData("2001:db8::1", "/metrics", false)]
    [InlineData("10.1.2.3", "/healthz", true)]
    [InlineData("10.1.2.3", "/v1/signers", true)]
    public async Task Metrics_are_served_to_loopback_callers_only(string remote, string path, bool passed)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        context.Request.Path = path;
        context.Response.Body = new MemoryStream();
        var reached = false;

        await ServerHost.MetricsForLoopbackOnly(context, () =>
        {
            reached = true;
            return Task.CompletedTask;
        });

        Assert.Equal(passed, reached);
        Assert.Equal(passed ? StatusCodes.Status200OK : StatusCodes.Status403Forbidden, context.Response.StatusCode);
    }
}
