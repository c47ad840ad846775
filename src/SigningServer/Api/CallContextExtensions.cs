using CodeSigning.Server.Auth;
using CodeSigning.Server.Domain;
using Grpc.Core;

namespace CodeSigning.Server.Api;

internal static class CallContextExtensions
{
    public static string RemoteAddress(this ServerCallContext context) =>
        context.GetHttpContext().Connection.RemoteIpAddress?.ToString() ?? context.Peer;

    /// <summary>The caller the authentication pipeline authenticated before the method ran (every method but the anonymous ones).</summary>
    public static Caller Caller(this ServerCallContext context) => context.GetHttpContext().Caller();
}
