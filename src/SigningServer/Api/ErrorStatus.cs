using CodeSigning.Server.Domain;
using CodeSigning.Server.Telemetry;
using CodeSigning.V1;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Microsoft.Extensions.Logging;

namespace CodeSigning.Server.Api;

/// <summary>
/// The one mapping of a refusal to the google.rpc.Status a client gets (code, message, ErrorInfo
/// with domain codesigning.v1, reason = ErrorReason name and the metadata), whether a method threw
/// it (<see cref="ErrorInterceptor"/>) or the authentication before it (<see cref="AuthenticationRefusal"/>).
/// </summary>
internal static class ErrorStatus
{
    /// <summary>Logs and counts the refusal of a call to <paramref name="method"/> (the gRPC method's full name); returns its status.</summary>
    public static Status Refused(ILogger logger, string method, ServiceException error)
    {
        ServerLog.CallRefused(logger, method, error.Status, error.ReasonName);
        if (error.IsDenial)
        {
            ServerMetrics.Denied(error.ReasonName, method);
        }
        return Of(error);
    }

    public static Status Of(ServiceException error)
    {
        var info = new ErrorInfo { Domain = ErrorDomain.Name, Reason = error.ReasonName };
        foreach (var (key, value) in error.Metadata)
        {
            info.Metadata[key] = value;
        }
        return new Status { Code = (int)error.Status, Message = error.Message, Details = { Any.Pack(info) } };
    }
}
