using CodeSigning.Server.Domain;
using CodeSigning.V1;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace CodeSigning.Server.Api;

/// <summary>
/// Where a method's errors become gRPC statuses (<see cref="ErrorStatus"/>): a
/// <see cref="ServiceException"/> carries its code and an ErrorInfo; anything else is INTERNAL with
/// no internals in the message.
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
        if (exception is ServiceException error)
        {
            return ErrorStatus.Refused(logger, context.Method, error).ToRpcException();
        }
        ServerLog.UnexpectedError(logger, context.Method, exception);
        return ErrorStatus.Of(new ServiceException(StatusCode.Internal, ErrorReason.Unspecified, "internal error; the server log has the details")).ToRpcException();
    }
}
