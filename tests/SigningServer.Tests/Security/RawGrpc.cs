using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;

namespace CodeSigning.Server.Tests.Security;

/// <summary>gRPC and REST calls written by hand over HTTP/2, for bodies no generated client would send.</summary>
internal static class RawGrpc
{
    /// <summary>Posts one length-prefixed gRPC frame holding <paramref name="message"/>, or <paramref name="declaredLength"/> when it lies.</summary>
    public static async Task<(int Status, string Message)> CallAsync(Uri server, string method, string bearer, byte[] message, int? declaredLength = null)
    {
        var frame = new byte[5 + message.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)(declaredLength ?? message.Length));
        message.CopyTo(frame, 5);
        using var content = new ByteArrayContent(frame);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        using var request = Http2(HttpMethod.Post, new Uri(server, method), bearer, content);
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        using var http = new HttpClient();
        using var response = await http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // A trailers-only answer puts grpc-status among the headers.
        var headers = response.TrailingHeaders.Contains("grpc-status") ? response.TrailingHeaders : response.Headers;
        var detail = headers.TryGetValues("grpc-message", out var values) ? Uri.UnescapeDataString(values.Single()) : "";
        return (int.Parse(headers.GetValues("grpc-status").Single(), System.Globalization.CultureInfo.InvariantCulture), detail);
    }

    /// <summary>A REST call through JSON transcoding with a body as given.</summary>
    public static async Task<(HttpStatusCode Status, string Body)> RestAsync(Uri server, HttpMethod method, string path, string bearer, string? json)
    {
        using var content = json is null ? null : new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var request = Http2(method, new Uri(server, path), bearer, content);
        using var http = new HttpClient();
        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static HttpRequestMessage Http2(HttpMethod method, Uri uri, string bearer, HttpContent? content)
    {
        var request = new HttpRequestMessage(method, uri)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return request;
    }
}
