using CodeSigning.V1;
using Grpc.Core;

namespace CodeSigning.Pkcs11.Remote;

/// <summary>
/// A failed server call, in the server's terms: the gRPC status, the ErrorInfo reason as the
/// <see cref="ErrorReason"/> enum and its metadata. What it means to a caller (a CK_RV, an NTE_*
/// code, a csign hint) is decided once by each caller's own mapping, not here.
/// </summary>
public sealed class RemoteException(StatusCode status, ErrorReason? reason, IReadOnlyDictionary<string, string> metadata, string message, string? reasonName = null)
    : Exception(message)
{
    public StatusCode Status { get; } = status;

    /// <summary>
    /// Null when the answer carried no ErrorInfo of the server's domain (the server was never reached,
    /// or something else answered); ERROR_REASON_UNSPECIFIED for a reason this build does not know.
    /// </summary>
    public ErrorReason? Reason { get; } = reason;

    /// <summary>The reason as the server named it (kept for a newer server's unknown reasons), or empty.</summary>
    public string ReasonName { get; } = reasonName ?? (reason is { } known ? ErrorDomain.NameOf(known) : "");

    public IReadOnlyDictionary<string, string> Metadata { get; } = metadata;

    /// <summary>The server could not be reached or did not answer in time.</summary>
    public bool IsUnreachable => Reason is null && Status is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Cancelled;

    /// <summary>The reason, or the gRPC status when there is none: what a log line or message names.</summary>
    public string Cause => ReasonName.Length > 0 ? ReasonName : Status.ToString();

    public static RemoteException From(RpcException exception)
    {
        var info = exception.GetRpcStatus()?.GetDetail<Google.Rpc.ErrorInfo>();
        var reason = ErrorDomain.ReasonOf(info);
        return reason is null
            ? new RemoteException(exception.StatusCode, null, new Dictionary<string, string>(), exception.Status.Detail)
            : new RemoteException(exception.StatusCode, reason, new Dictionary<string, string>(info!.Metadata), exception.Status.Detail, info.Reason);
    }
}
