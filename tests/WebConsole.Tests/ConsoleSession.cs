using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using CodeSigning.Tests.Shared;

namespace CodeSigning.WebConsole.Tests;

/// <summary>
/// A console session driven without a browser, for what a browser would not send: a form posted
/// without its antiforgery token, or a control the page hides posted anyway.
/// </summary>
public sealed partial class ConsoleSession : IDisposable
{
    private readonly HttpClient _client;

    private ConsoleSession(HttpClient client) => _client = client;

    /// <summary>Signs in with the API key through the sign-in form, as a browser does.</summary>
    public static async Task<ConsoleSession> SignInAsync(ServerProcess server, string apiKey)
    {
        var expected = X509Certificate2.CreateFromPem(File.ReadAllText(server.TlsCertificatePath!)).GetCertHashString(HashAlgorithmName.SHA256);
        var handler = new SocketsHttpHandler
        {
            CookieContainer = new CookieContainer(),
            AllowAutoRedirect = false,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    certificate is not null && string.Equals(certificate.GetCertHashString(HashAlgorithmName.SHA256), expected, StringComparison.OrdinalIgnoreCase),
            },
        };
        var session = new ConsoleSession(new HttpClient(handler) { BaseAddress = server.Url });
        var token = await session.TokenAsync("/console/sign-in");
        using var response = await session.PostAsync("/console/sign-in", new() { ["apiKey"] = apiKey }, token);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return session;
    }

    /// <summary>The antiforgery token of the first form on the page.</summary>
    public async Task<string> TokenAsync(string path)
    {
        var html = await _client.GetStringAsync(path);
        return TokenField().Match(html) is { Success: true } match ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new InvalidOperationException($"no antiforgery token on {path}");
    }

    public Task<HttpResponseMessage> GetAsync(string path) => _client.GetAsync(path);

    /// <param name="token">Null posts without the antiforgery token.</param>
    public Task<HttpResponseMessage> PostAsync(string path, Dictionary<string, string> form, string? token)
    {
        if (token is not null)
        {
            form["__RequestVerificationToken"] = token;
        }
        return _client.PostAsync(path, new FormUrlEncodedContent(form));
    }

    public void Dispose() => _client.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
