using CodeSigning.Ksp.Cng;
using CodeSigning.Pkcs11.Remote;
using Grpc.Core;
using static CodeSigning.Ksp.Cng.SECURITY_STATUS;

namespace CodeSigning.Ksp.Native.Tests;

/// <summary>The whole server-error mapping of docs/ksp.md, reason by reason (the driver tests reach three of them for real).</summary>
public sealed class KspErrorsTests
{
    [Theory]
    [InlineData(StatusCode.Unavailable, "", NTE_DEVICE_NOT_READY)]
    [InlineData(StatusCode.DeadlineExceeded, "", NTE_DEVICE_NOT_READY)]
    [InlineData(StatusCode.Unauthenticated, "CREDENTIAL_INVALID", NTE_INCORRECT_PASSWORD)]
    [InlineData(StatusCode.Unauthenticated, "CREDENTIAL_EXPIRED", NTE_INCORRECT_PASSWORD)]
    [InlineData(StatusCode.Unauthenticated, "CREDENTIAL_REVOKED", NTE_INCORRECT_PASSWORD)]
    [InlineData(StatusCode.Unauthenticated, "ASSERTION_INVALID", NTE_INCORRECT_PASSWORD)]
    [InlineData(StatusCode.Unauthenticated, "ASSERTION_REPLAYED", NTE_INCORRECT_PASSWORD)]
    [InlineData(StatusCode.Unauthenticated, "", NTE_INCORRECT_PASSWORD)]
    [InlineData(StatusCode.FailedPrecondition, "APPROVAL_REQUIRED", NTE_PERM)]
    [InlineData(StatusCode.PermissionDenied, "NOT_A_MEMBER", NTE_PERM)]
    [InlineData(StatusCode.PermissionDenied, "ROLE_FORBIDS", NTE_PERM)]
    [InlineData(StatusCode.ResourceExhausted, "RATE_LIMITED", NTE_PERM)]
    [InlineData(StatusCode.PermissionDenied, "", NTE_PERM)]
    [InlineData(StatusCode.FailedPrecondition, "SIGNER_DISABLED", NTE_BAD_KEY_STATE)]
    [InlineData(StatusCode.FailedPrecondition, "CERTIFICATE_MISSING", NTE_BAD_KEY_STATE)]
    [InlineData(StatusCode.NotFound, "SIGNER_NOT_FOUND", NTE_BAD_KEYSET)]
    [InlineData(StatusCode.InvalidArgument, "ALGORITHM_NOT_SUPPORTED", NTE_NOT_SUPPORTED)]
    [InlineData(StatusCode.InvalidArgument, "DIGEST_LENGTH_INVALID", NTE_INVALID_PARAMETER)]
    [InlineData(StatusCode.Internal, "KEY_OPERATION_FAILED", NTE_FAIL)]
    [InlineData(StatusCode.Internal, "", NTE_FAIL)]
    public void Each_server_refusal_has_its_documented_code(StatusCode status, string reason, SECURITY_STATUS expected)
    {
        var failure = new RemoteException(status, reason, new Dictionary<string, string>(), "detail");

        var mapped = KspErrors.From(failure, "signing with x failed");

        Assert.Equal(expected, mapped.Status);
        Assert.Contains(reason.Length > 0 ? reason : status.ToString(), mapped.Message, StringComparison.Ordinal);
    }
}
