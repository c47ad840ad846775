using CodeSigning.Cli.Connection;
using CodeSigning.V1;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace CodeSigning.Cli.Tests;

/// <summary>csign's reading of a refusal: the reason as the ErrorReason enum, shown as the server named it.</summary>
public sealed class RpcFailureTests
{
    [Fact]
    public void A_reason_this_csign_does_not_know_is_shown_as_the_server_named_it_without_a_hint()
    {
        var (exitCode, message) = RpcFailure.Describe(Refused(StatusCode.PermissionDenied, "a newer refusal", "SOME_FUTURE_REASON"), null, "app");

        Assert.Equal(ExitCode.ServerRefused, exitCode);
        Assert.Equal("a newer refusal [SOME_FUTURE_REASON]", message);
    }

    [Fact]
    public void Approval_required_with_a_pending_request_names_the_request_to_follow()
    {
        var (exitCode, message) = RpcFailure.Describe(
            Refused(StatusCode.FailedPrecondition, "needs approval", "APPROVAL_REQUIRED", ("pending_request_id", "r-1")), null, "app");

        Assert.Equal(ExitCode.ServerRefused, exitCode);
        Assert.Equal("needs approval [APPROVAL_REQUIRED]; your request r-1 is waiting for approval: csign request show r-1", message);
    }

    [Fact]
    public void An_error_info_of_another_domain_is_not_read_as_a_server_reason()
    {
        var info = new ErrorInfo { Domain = "proxy", Reason = "APPROVAL_REQUIRED" };
        var status = new Google.Rpc.Status { Code = (int)StatusCode.PermissionDenied, Message = "blocked", Details = { Any.Pack(info) } };

        var (exitCode, message) = RpcFailure.Describe(status.ToRpcException(), null, "app");

        Assert.Equal(ExitCode.ServerRefused, exitCode);
        Assert.Equal("the server refused the call: PermissionDenied: blocked", message);
    }

    private static RpcException Refused(StatusCode code, string detail, string reason, params (string Key, string Value)[] metadata)
    {
        var info = new ErrorInfo { Domain = ErrorDomain.Name, Reason = reason };
        foreach (var (key, value) in metadata)
        {
            info.Metadata[key] = value;
        }

        return new Google.Rpc.Status { Code = (int)code, Message = detail, Details = { Any.Pack(info) } }.ToRpcException();
    }
}
