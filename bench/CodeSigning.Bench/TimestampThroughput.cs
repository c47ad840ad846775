using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using CodeSigning.Tests.Shared;

namespace CodeSigning.Bench;

/// <summary>
/// Timestamps per second from the server's RFC 3161 authority: a fresh server (SQLite, software vault)
/// with its plain-HTTP <c>--tsa-listen</c> listener and no rate limit, driven by threads that each post
/// a SHA-256 TimeStampReq with a nonce and check the granted token (nonce, imprint) as a client would.
/// </summary>
public static class TimestampThroughput
{
    public static async Task<List<TimestampRow>> RunAsync(IReadOnlyList<int> threadCounts, TimeSpan warmup, TimeSpan duration)
    {
        await using var server = await ServerProcess.StartAsync(serveArguments: ["--tsa-listen", "127.0.0.1:0", "--tsa-rate-limit", "0"]).ConfigureAwait(false);
        var url = server.TimestampUrl!;
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = threadCounts.Max() });
        // The first timestamps pay for JIT on both sides and the serial block: not what a run measures.
        using (var warm = new Worker(http, url))
        {
            for (var i = 0; i < 50; i++)
            {
                warm.Sign();
            }
        }
        return [.. threadCounts.Select(threads => TimestampRow.From(LoadRunner.Run(threads, warmup, duration, () => new Worker(http, url))))];
    }

    private sealed class Worker(HttpClient http, Uri url) : ISignWorker
    {
        public byte[] Sign()
        {
            var request = Rfc3161TimestampRequest.CreateFromHash(RandomNumberGenerator.GetBytes(32), HashAlgorithmName.SHA256,
                nonce: RandomNumberGenerator.GetBytes(8), requestSignerCertificates: false);
            using var content = new ByteArrayContent(request.Encode());
            content.Headers.ContentType = new MediaTypeHeaderValue("application/timestamp-query");
            using var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
            using var response = http.Send(message);
            response.EnsureSuccessStatusCode();
            using var body = new MemoryStream();
            response.Content.ReadAsStream().CopyTo(body);
            // Throws unless granted, with this request's nonce and imprint.
            return request.ProcessResponse(body.ToArray(), out _).AsSignedCms().Encode();
        }

        public void Dispose()
        {
        }
    }
}
