using System.Threading.RateLimiting;
using CodeSigning.Server.Domain;
using CodeSigning.Server.Timestamping;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace CodeSigning.Server.Api;

/// <summary>
/// RFC 3161 over HTTP (section 3.4): <c>POST /tsa</c>, a DER TimeStampReq in, a DER TimeStampResp out
/// with <c>application/timestamp-reply</c>. Rejections are PKIStatus answers with HTTP 200; only the
/// HTTP-level refusals differ: 401 (authenticated mode, no valid credential) and 429 (rate limit).
/// The request's content type is not checked: some signing tools send none or another.
/// </summary>
public static class TimestampEndpoint
{
    public const string Path = "/tsa";
    public const string ReplyContentType = "application/timestamp-reply";
    private const string RateLimitPolicy = "tsa-per-address";

    /// <summary>The per-address limit of anonymous callers, in fixed one-minute windows; 429 with Retry-After past it.</summary>
    public static void AddTimestampRateLimit(this IServiceCollection services, TimestampingOptions options) =>
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = (rejected, _) =>
            {
                rejected.HttpContext.RequestServices.GetRequiredService<TimestampAudit>().RateLimited();
                rejected.HttpContext.Response.Headers.RetryAfter = "60";
                return ValueTask.CompletedTask;
            };
            limiter.AddPolicy(RateLimitPolicy, http => options.Access == TimestampAccess.Anonymous && options.RequestsPerMinute > 0
                ? RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "", _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = options.RequestsPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                })
                : RateLimitPartition.GetNoLimiter(""));
        });

    /// <summary>Maps <c>POST /tsa</c>: anonymous, or behind the server's authentication like every API call, per <see cref="TimestampingOptions.Access"/>.</summary>
    public static void MapTimestampAuthority(this WebApplication app, TimestampingOptions options)
    {
        app.UseRateLimiter();
        var endpoint = app.MapPost(Path, HandleAsync).RequireRateLimiting(RateLimitPolicy);
        if (options.Access == TimestampAccess.Anonymous)
        {
            endpoint.AllowAnonymous();
        }
    }

    /// <summary>A refused credential (authenticated mode): 401, or 429 once the caller's failures are rate-limited, with the reason as text.</summary>
    public static Task WriteRefusalAsync(HttpContext context, ServiceException refusal)
    {
        context.Response.StatusCode = refusal.Status == Grpc.Core.StatusCode.ResourceExhausted ? StatusCodes.Status429TooManyRequests : StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return context.Response.WriteAsync($"{refusal.ReasonName}: {refusal.Message}\n", context.RequestAborted);
    }

    private static async Task HandleAsync(HttpContext context, TimestampAuthority authority)
    {
        var remoteAddress = context.Connection.RemoteIpAddress?.ToString() ?? "";
        var (body, length, oversized) = await ReadBodyAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        var reply = authority.Respond(body.AsMemory(0, length), oversized, remoteAddress);
        context.Response.ContentType = ReplyContentType;
        context.Response.ContentLength = reply.Length;
        await context.Response.Body.WriteAsync(reply, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Reads at most one byte past the limit, so an oversized body is noticed without being read whole.</summary>
    private static async Task<(byte[] Body, int Length, bool Oversized)> ReadBodyAsync(HttpRequest request, CancellationToken cancellation)
    {
        if (request.ContentLength > TimestampingOptions.MaxRequestBytes)
        {
            return ([], 0, true);
        }
        var buffer = new byte[TimestampingOptions.MaxRequestBytes + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellation).ConfigureAwait(false)) > 0)
        {
            length += read;
        }
        return length > TimestampingOptions.MaxRequestBytes ? ([], 0, true) : (buffer, length, false);
    }
}
