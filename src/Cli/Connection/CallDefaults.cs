using Grpc.Core;
using Grpc.Core.Interceptors;

namespace CodeSigning.Cli.Connection;

/// <summary>
/// Adds the bearer credential to every call, and a deadline to unary calls so a stuck server ends
/// in a clear error rather than a hung script. Streams (audit follow) run until stopped.
/// </summary>
internal sealed class CallDefaults(string? bearer, TimeSpan unaryDeadline) : Interceptor
{
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context,
        AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        var options = WithCredential(context.Options);
        if (options.Deadline is null)
        {
            options = options.WithDeadline(DateTime.UtcNow + unaryDeadline);
        }

        return continuation(request, new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, options));
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context,
        AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, WithCredential(context.Options)));

    private CallOptions WithCredential(CallOptions options)
    {
        if (bearer is null)
        {
            return options;
        }

        var headers = new Metadata();
        foreach (var entry in options.Headers ?? [])
        {
            headers.Add(entry);
        }

        headers.Add("authorization", "Bearer " + bearer);
        return options.WithHeaders(headers);
    }
}
