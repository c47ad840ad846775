using CodeSigning.Server.Domain;
using CodeSigning.Server.Telemetry;
using CodeSigning.V1;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace CodeSigning.Server.Api;

/// <summary>
/// The one place where errors become gRPC statuses: a <see cref="ServiceException"/> carries its
/// code and an ErrorInfo (domain codesigning.v1, reason = ErrorReason name); anything else is
/// INTERNAL with no internals in the message.
/// </summary>
public sealed class ErrorInterceptor(ILogger<ErrorInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Map(e, context);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not RpcException and not OperationCanceledException)
        {
            throw Map(e, context);
        }
    }

    private RpcException Map(Exception exception, ServerCallContext context)
    {
        if (exception is not ServiceException error)
        {
            ServerLog.UnexpectedError(logger, context.Method, exception);
            error = new ServiceException(StatusCode.Internal, ErrorReason.Unspecified, "internal error; the server log has the details");
        }
        else
        {
            ServerLog.CallRefused(logger, context.Method, error.Status, error.ReasonName);
            if (error.IsDenial)
            {
                ServerMetrics.Denied(error.ReasonName, context.Method);
            }
        }
        var info = new ErrorInfo { Domain = ErrorDomain.Name, Reason = error.ReasonName };
        foreach (var (key, value) in error.Metadata)
        {
            info.Metadata[key] = value;
        }
        var status = new Google.Rpc.Status { Code = (int)error.Status, Message = error.Message, Details = { Any.Pack(info) } };
        return status.ToRpcException();
    }
}
