using CodeSigning.Server.Domain;
using Microsoft.AspNetCore.Http;

namespace CodeSigning.Server.Auth;

public static class HttpContextCallerExtensions
{
    /// <summary>The authenticated caller of the request.</summary>
    /// <exception cref="InvalidOperationException">The request was not authenticated: only an anonymous endpoint gets here, and it must not ask.</exception>
    public static Caller Caller(this HttpContext context) =>
        context.AuthenticatedCaller() ?? throw new InvalidOperationException($"{context.Request.Path} is anonymous: it has no caller");

    /// <summary>The authenticated caller, or null on an anonymous endpoint.</summary>
    public static Caller? AuthenticatedCaller(this HttpContext context) =>
        context.User.Identities.OfType<CallerIdentity>().FirstOrDefault()?.Caller;
}
