using Grpc.Core;

namespace CodeSigning.Pkcs11.Remote;

/// <summary>
/// A failed server call: the gRPC status, the ErrorInfo reason (an ErrorReason name, or empty when
/// the server was never reached) and its metadata.
/// </summary>
public sealed class RemoteException(StatusCode status, string reason, IReadOnlyDictionary<string, string> metadata, string message)
    : Exception(message)
{
    public StatusCode Status { get; } = status;

    public string Reason { get; } = reason;

    public IReadOnlyDictionary<string, string> Metadata { get; } = metadata;

    /// <summary>The server could not be reached or did not answer in time.</summary>
    public bool IsUnreachable => Reason.Length == 0 && Status is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Cancelled;

    public static RemoteException From(RpcException exception)
    {
        var info = exception.GetRpcStatus()?.GetDetail<Google.Rpc.ErrorInfo>();
        if (info is null || info.Domain != CodeSigning.V1.ErrorDomain.Name)
        {
            return new RemoteException(exception.StatusCode, "", new Dictionary<string, string>(), exception.Status.Detail);
        }

        return new RemoteException(exception.StatusCode, info.Reason, new Dictionary<string, string>(info.Metadata), exception.Status.Detail);
    }
}
