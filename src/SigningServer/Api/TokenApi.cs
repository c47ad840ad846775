using CodeSigning.Server.Auth;
using CodeSigning.Server.Domain;
using CodeSigning.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace CodeSigning.Server.Api;

/// <summary>The anonymous calls: what a client needs to know, and how a service account gets a credential.</summary>
public sealed class TokenApi(TokenExchange exchange, ServerIdentity identity, TimeProvider clock) : TokenService.TokenServiceBase
{
    [AllowAnonymous]
    public override Task<ServerInfo> GetServerInfo(Empty request, ServerCallContext context) =>
        Task.FromResult(new ServerInfo { Version = ServerVersion.Current, TokenAudience = identity.TokenAudience, ServerTime = clock.GetUtcNow().ToProto() });

    [AllowAnonymous]
    public override Task<ExchangeAssertionResponse> ExchangeAssertion(ExchangeAssertionRequest request, ServerCallContext context)
    {
        var (token, expiresAt) = exchange.Exchange(request.Assertion, context.RemoteAddress());
        return Task.FromResult(new ExchangeAssertionResponse { AccessToken = token, ExpiresAt = expiresAt.ToProto() });
    }
}
