using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using CodeSigning.Server.Domain;
using Google.Protobuf;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CodeSigning.Server.Api;

/// <summary>
/// Answers a request the authentication pipeline refused, exactly as a method's own refusal is
/// answered: a gRPC call gets the status with its ErrorInfo, a REST call the HTTP status of that
/// code and the google.rpc.Status as JSON, <c>/tsa</c> its own text answer.
/// </summary>
public static class AuthenticationRefusal
{
    // The REST body as the JSON transcoding writes a method's error: compact, every field (an empty
    // metadata too), text unescaped but for JSON's own escapes.
    private static readonly JsonFormatter JsonFormatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true)
        .WithTypeRegistry(Google.Protobuf.Reflection.TypeRegistry.FromMessages(Google.Rpc.ErrorInfo.Descriptor)));
    private static readonly JsonSerializerOptions CompactJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Task WriteAsync(HttpContext context, ServiceException refusal)
    {
        if (context.Request.Path.Equals(TimestampEndpoint.Path, StringComparison.OrdinalIgnoreCase))
        {
            return TimestampEndpoint.WriteRefusalAsync(context, refusal);
        }
        // The method's full name, as the interceptor logs and counts it; REST routes carry it too.
        var method = context.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method.FullName ?? context.Request.Path.Value ?? "";
        var status = ErrorStatus.Refused(context.RequestServices.GetRequiredService<ILogger<ErrorInterceptor>>(), method, refusal);
        var response = context.Response;
        if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true)
        {
            // Trailers-only (the status among the headers), as gRPC answers a call refused before its handler ran.
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/grpc";
            response.Headers["grpc-status"] = status.Code.ToString(CultureInfo.InvariantCulture);
            response.Headers["grpc-message"] = PercentEncode(status.Message);
            response.Headers["grpc-status-details-bin"] = Convert.ToBase64String(status.ToByteArray());
            return Task.CompletedTask;
        }
        response.StatusCode = refusal.Status switch
        {
            StatusCode.Unauthenticated => StatusCodes.Status401Unauthorized,
            StatusCode.ResourceExhausted => StatusCodes.Status429TooManyRequests,
            _ => StatusCodes.Status500InternalServerError,
        };
        response.ContentType = "application/json; charset=utf-8";
        return response.WriteAsync(JsonNode.Parse(JsonFormatter.Format(status))!.ToJsonString(CompactJson), context.RequestAborted);
    }

    /// <summary>grpc-message's encoding (gRPC over HTTP/2): bytes outside printable ASCII, and '%', as %XX of their UTF-8.</summary>
    private static string PercentEncode(string message)
    {
        var encoded = new StringBuilder(message.Length);
        foreach (var b in Encoding.UTF8.GetBytes(message))
        {
            if (b is >= 0x20 and <= 0x7E and not (byte)'%')
            {
                encoded.Append((char)b);
            }
            else
            {
                encoded.Append(CultureInfo.InvariantCulture, $"%{b:X2}");
            }
        }
        return encoded.ToString();
    }
}
