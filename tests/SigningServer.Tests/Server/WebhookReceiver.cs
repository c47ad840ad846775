using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CodeSigning.Server.Tests.Server;

/// <summary>
/// A webhook receiver as a team would write it: Kestrel on 127.0.0.1, verifying each delivery's
/// HMAC with its own copy of the secret (docs/notifications.md's recipe, not the server's code),
/// answering with the status and after the delay the test sets. Can be stopped and started again
/// on the same port, to play a receiver that is down.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private WebApplication? _app;

    public WebhookReceiver(string secret) => Secret = Encoding.UTF8.GetBytes(secret);

    public byte[] Secret { get; }
    public int Port { get; private set; }
    public string Url => $"http://127.0.0.1:{Port}/hooks/codesign";
    /// <summary>What the receiver answers to a well-signed delivery.</summary>
    public HttpStatusCode Status { get; set; } = HttpStatusCode.OK;
    /// <summary>How long it thinks before answering.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.Zero;
    /// <summary>Every request, in arrival order.</summary>
    public ConcurrentQueue<Delivery> Received { get; } = new();

    public sealed record Delivery(bool SignatureValid, string EventId, string EventType, JsonElement Body);

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, Port));
        _app = builder.Build();
        _app.MapPost("/hooks/codesign", HandleAsync);
        await _app.StartAsync();
        Port = new Uri(_app.Urls.First()).Port;
    }

    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var timestamp = context.Request.Headers["X-CodeSign-Timestamp"].ToString();
        var signature = context.Request.Headers["X-CodeSign-Signature"].ToString();
        var expected = "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Secret, Encoding.UTF8.GetBytes(timestamp + "." + body)));
        var valid = timestamp.Length > 0 && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature));
        Received.Enqueue(new Delivery(valid, context.Request.Headers["X-CodeSign-Event-Id"].ToString(), context.Request.Headers["X-CodeSign-Event"].ToString(),
            JsonDocument.Parse(body).RootElement.Clone()));
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, context.RequestAborted);
        }
        context.Response.StatusCode = valid ? (int)Status : StatusCodes.Status401Unauthorized;
    }
}
