using System.Security.Authentication;
using CodeSigning.V1;
using Google.Rpc;
using Grpc.Core;

namespace CodeSigning.Cli.Connection;

/// <summary>
/// Turns a failed call into one line for people and the exit code for scripts: a refusal names the
/// server's ErrorInfo reason and what to do next; a transport failure says the server was not reached.
/// </summary>
internal static class RpcFailure
{
    /// <param name="signer">The Signer as the user named it, for hints; the server's metadata only has its id.</param>
    public static (int ExitCode, string Message) Describe(RpcException exception, string? server, string? signer)
    {
        var info = exception.GetRpcStatus()?.GetDetail<ErrorInfo>();
        if (info is not null && ErrorDomain.ReasonOf(info) is { } reason)
        {
            var hint = Hint(reason, info, signer);
            var message = $"{exception.Status.Detail} [{info.Reason}]";
            return (ExitCode.ServerRefused, hint is null ? message : $"{message}; {hint}");
        }

        // A client-side exception (DNS, TCP, TLS, HTTP/2) means the call never got an answer.
        var transport = exception.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded
            || exception.Status.DebugException is not null;
        if (!transport)
        {
            return (ExitCode.ServerRefused, $"the server refused the call: {exception.StatusCode}: {exception.Status.Detail}");
        }

        var cause = Innermost(exception.Status.DebugException);
        var where = server ?? "the server";
        return cause is AuthenticationException
            ? (ExitCode.Unreachable, $"TLS with {where} failed: {cause.Message}; pass the server's CA with --ca-file (csign login)")
            : (ExitCode.Unreachable, $"cannot reach {where}: {cause?.Message ?? exception.Status.Detail}");
    }

    private static Exception? Innermost(Exception? exception)
    {
        while (exception?.InnerException is not null)
        {
            if (exception is AuthenticationException)
            {
                return exception;
            }

            exception = exception.InnerException;
        }

        return exception;
    }

    /// <summary>What to do next; none for a reason without advice, or one this csign does not know (a newer server).</summary>
    private static string? Hint(ErrorReason reason, ErrorInfo info, string? signer)
    {
        signer ??= info.Metadata.TryGetValue("signer_id", out var id) ? id : "SIGNER";
        return reason switch
        {
            ErrorReason.ApprovalRequired when info.Metadata.TryGetValue("pending_request_id", out var pending) =>
                $"your request {pending} is waiting for approval: csign request show {pending}",
            ErrorReason.ApprovalRequired =>
                $"ask for approval with: csign request create --signer {signer} --justification \"...\" --count 1 --window 1h",
            ErrorReason.CredentialInvalid or ErrorReason.CredentialExpired or ErrorReason.CredentialRevoked =>
                "log in again with csign login (or check CODESIGN_API_KEY)",
            ErrorReason.NotAMember or ErrorReason.RoleForbids => "ask an Administrator of the Signer for the role you need",
            ErrorReason.SignerNotFound => "csign signer list shows the Signers you are a member of",
            ErrorReason.ProductAdminRequired => "ask a Product Admin",
            ErrorReason.SignerDisabled => "an Administrator can turn it back on with csign signer enable",
            ErrorReason.CertificateMissing =>
                "get the CSR with csign signer csr, then import the issued certificate with csign signer import-cert",
            ErrorReason.InvalidArgument when info.Metadata.TryGetValue("field", out var field) => $"check the value of {field}",
            ErrorReason.RateLimited => "too many failed logins from here; wait and retry",
            _ => null,
        };
    }
}
