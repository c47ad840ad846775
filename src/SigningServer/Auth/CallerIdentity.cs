using System.Security.Claims;
using CodeSigning.Server.Domain;

namespace CodeSigning.Server.Auth;

/// <summary>
/// The identity an authentication scheme gives a request: the <see cref="Domain.Caller"/> it
/// authenticated. Every scheme of the server (the bearer credential, the web console's cookie)
/// produces one, so that handlers read the caller the same way whatever the scheme.
/// </summary>
public sealed class CallerIdentity(Caller caller, string scheme) : ClaimsIdentity(
    [new Claim(ClaimTypes.NameIdentifier, caller.Principal.Id), new Claim(ClaimTypes.Name, caller.Principal.Name)], scheme)
{
    public Caller Caller { get; } = caller;
}
