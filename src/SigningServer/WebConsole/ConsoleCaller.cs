using System.Security.Claims;
using CodeSigning.Server.Audit;
using CodeSigning.Server.Auth;
using CodeSigning.Server.Domain;
using CodeSigning.Server.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CodeSigning.Server.WebConsole;

/// <summary>
/// The console's one use of the server's authenticator: the API key a session holds is
/// authenticated again on every request, exactly as a REST or gRPC call presenting it would be,
/// so a revoked key, a disabled user or a removed member takes effect on the very next click.
/// </summary>
public static class ConsoleCaller
{
    /// <summary>The claim of the session ticket (protected by Data Protection) holding the API key.</summary>
    public const string ApiKeyClaim = "codesign:api_key";

    /// <summary>The client name console operations are audited under.</summary>
    public const string ClientName = "console";

    /// <exception cref="ServiceException">The key is unknown, revoked, expired, or its user disabled (audited as <c>auth.failed</c>).</exception>
    public static Caller Authenticate(HttpContext context, string apiKey)
    {
        var authenticator = context.RequestServices.GetRequiredService<Authenticator>();
        var caller = authenticator.Authenticate("Bearer " + apiKey, context.Connection.RemoteIpAddress?.ToString() ?? "");
        return caller with { Client = new AuditClient("", "", 0, context.TraceIdentifier, ClientName) };
    }

    /// <summary>Cookie authentication's hook: a session whose key no longer authenticates ends now, its cookie deleted.</summary>
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        try
        {
            if (context.Principal?.FindFirstValue(ApiKeyClaim) is { } key)
            {
                context.HttpContext.Items[typeof(Caller)] = Authenticate(context.HttpContext, key);
                return;
            }
        }
        catch (ServiceException)
        {
            // Audited by the authenticator; the browser is sent to sign in.
        }
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(ConsoleSetup.Scheme).ConfigureAwait(false);
    }

    /// <summary>The caller the current request authenticated as (set by <see cref="ValidateAsync"/>).</summary>
    public static Caller Of(HttpContext context) =>
        context.Items[typeof(Caller)] as Caller ?? throw new InvalidOperationException("the console page ran without an authenticated session");
}
