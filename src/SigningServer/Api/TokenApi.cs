using CodeSigning.Server.Domain;
using CodeSigning.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace CodeSigning.Server.Api;

/// <summary>The unauthenticated calls.</summary>
public sealed class TokenApi(TokenExchange exchange, ServerIdentity identity, TimeProvider clock) : TokenService.TokenServiceBase
{
    public override Task<ServerInfo> GetServerInfo(Empty request, ServerCallContext context) =>
        Task.FromResult(new ServerInfo { Version = ServerVersion.Current, TokenAudience = identity.TokenAudience, ServerTime = clock.GetUtcNow().ToProto() });

    public override Task<ExchangeAssertionResponse> ExchangeAssertion(ExchangeAssertionRequest request, ServerCallContext context)
    {
        var (token, expiresAt) = exchange.Exchange(request.Assertion, context.RemoteAddress());
        return Task.FromResult(new ExchangeAssertionResponse { AccessToken = token, ExpiresAt = expiresAt.ToProto() });
    }
}
