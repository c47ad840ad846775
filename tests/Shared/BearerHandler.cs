using System.Net.Http.Headers;

namespace CodeSigning.Tests.Shared;

/// <summary>Sends <c>authorization: Bearer {bearer}</c> on every request: gRPC metadata and the REST header alike.</summary>
public sealed class BearerHandler(string bearer, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return base.SendAsync(request, cancellationToken);
    }
}
