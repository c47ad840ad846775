using CodeSigning.Server.Domain;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace CodeSigning.Server.Auth;

public sealed class CredentialAuthenticationOptions : AuthenticationSchemeOptions
{
    /// <summary>
    /// Answers a request refused for its credential: the API layer writes the refusal in the
    /// request's own protocol (gRPC status, REST error, the timestamp endpoint's text).
    /// </summary>
    public Func<HttpContext, ServiceException, Task> WriteRefusal { get; set; } = (_, _) => Task.CompletedTask;
}
