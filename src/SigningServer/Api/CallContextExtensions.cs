using CodeSigning.Server.Domain;
using Grpc.Core;

namespace CodeSigning.Server.Api;

internal static class CallContextExtensions
{
    public static string RemoteAddress(this ServerCallContext context) =>
        context.GetHttpContext().Connection.RemoteIpAddress?.ToString() ?? context.Peer;

    /// <summary>Authenticates the call from its <c>authorization</c> metadata (an HTTP header under REST).</summary>
    public static Caller Authenticate(this Authenticator authenticator, ServerCallContext context) =>
        authenticator.Authenticate(context.RequestHeaders.GetValue("authorization"), context.RemoteAddress());
}
