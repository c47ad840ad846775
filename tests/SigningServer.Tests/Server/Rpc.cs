using CodeSigning.V1;
using Google.Rpc;
using Grpc.Core;

namespace CodeSigning.Server.Tests.Server;

internal static class Rpc
{
    /// <summary>Asserts the call fails with exactly this status and ErrorInfo reason; returns the ErrorInfo.</summary>
    public static async Task<ErrorInfo> FailsAsync(Func<Task> call, StatusCode status, string reason)
    {
        var error = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(status, error.StatusCode);
        var info = error.GetRpcStatus()?.GetDetail<ErrorInfo>();
        Assert.NotNull(info);
        Assert.Equal(ErrorDomain.Name, info.Domain);
        Assert.Equal(reason, info.Reason);
        return info;
    }

    public static Task<ErrorInfo> FailsAsync<T>(Func<AsyncUnaryCall<T>> call, StatusCode status, string reason) =>
        FailsAsync(async () => await call(), status, reason);
}
