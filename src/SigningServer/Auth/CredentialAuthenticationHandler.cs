using System.Text.Encodings.Web;
using CodeSigning.Server.Domain;
using CodeSigning.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CodeSigning.Server.Auth;

/// <summary>
/// The bearer credential scheme: an API key (csk_...) or an access token (cst_...) in the
/// <c>authorization</c> header (gRPC metadata or HTTP header alike), turned into a
/// <see cref="CallerIdentity"/> by the <see cref="Authenticator"/>, which audits and rate-limits
/// failures. The refusal it stored is what the challenge answers.
/// </summary>
public sealed class CredentialAuthenticationHandler(
    IOptionsMonitor<CredentialAuthenticationOptions> options, ILoggerFactory logging, UrlEncoder encoder, Authenticator authenticator)
    : AuthenticationHandler<CredentialAuthenticationOptions>(options, logging, encoder)
{
    public const string SchemeName = "Credential";

    private ServiceException? _refusal;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // The fallback policy asks every endpoint's schemes, anonymous ones too: those do not read
        // credentials, so a stray header there is neither audited nor counted as a failure.
        if (Context.GetEndpoint()?.Metadata.GetMetadata<IAllowAnonymous>() is not null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        var remoteAddress = Context.Connection.RemoteIpAddress?.ToString() ?? "";
        var authorization = Request.Headers.Authorization;
        try
        {
            var caller = authenticator.Authenticate(authorization.Count == 0 ? null : authorization[0], remoteAddress);
            var ticket = new AuthenticationTicket(new System.Security.Claims.ClaimsPrincipal(new CallerIdentity(caller, SchemeName)), SchemeName);
            return Task.FromResult(AuthenticateResult.Success(ticket));
        }
        catch (ServiceException e)
        {
            _refusal = e;
            return Task.FromResult(AuthenticateResult.Fail(e.ReasonName));
        }
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        // Without a stored refusal the handler was not asked (cannot happen under the fallback
        // policy, which authenticates first): answer as for a missing credential.
        Options.WriteRefusal(Context, _refusal ?? new ServiceException(StatusCode.Unauthenticated, ErrorReason.CredentialInvalid,
            "missing 'authorization: Bearer <credential>'"));
}
