using CodeSigning.Ksp.Cng;
using CodeSigning.Pkcs11.Remote;
using CodeSigning.V1;
using Google.Rpc;
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
        var failure = new RemoteException(status, reason.Length > 0 ? ErrorDomain.ReasonOf(new ErrorInfo { Domain = ErrorDomain.Name, Reason = reason }) : null,
            new Dictionary<string, string>(), "detail");

        var mapped = KspErrors.From(failure, "signing with x failed");

        Assert.Equal(expected, mapped.Status);
        Assert.Contains(reason.Length > 0 ? reason : status.ToString(), mapped.Message, StringComparison.Ordinal);
    }

    /// <summary>Every ErrorReason with its NTE_* code: a new reason fails this test until the table decides its code.</summary>
    private static readonly Dictionary<ErrorReason, SECURITY_STATUS> Decided = new()
    {
        [ErrorReason.Unspecified] = NTE_FAIL,
        [ErrorReason.CredentialInvalid] = NTE_INCORRECT_PASSWORD,
        [ErrorReason.CredentialExpired] = NTE_INCORRECT_PASSWORD,
        [ErrorReason.CredentialRevoked] = NTE_INCORRECT_PASSWORD,
        [ErrorReason.AssertionInvalid] = NTE_INCORRECT_PASSWORD,
        [ErrorReason.AssertionReplayed] = NTE_INCORRECT_PASSWORD,
        [ErrorReason.RateLimited] = NTE_PERM,
        [ErrorReason.NotAMember] = NTE_PERM,
        [ErrorReason.RoleForbids] = NTE_PERM,
        [ErrorReason.ProductAdminRequired] = NTE_FAIL,
        [ErrorReason.SignerNotFound] = NTE_BAD_KEYSET,
        [ErrorReason.SignerDisabled] = NTE_BAD_KEY_STATE,
        [ErrorReason.ApprovalRequired] = NTE_PERM,
        [ErrorReason.CertificateMissing] = NTE_BAD_KEY_STATE,
        [ErrorReason.CertificateMismatch] = NTE_FAIL,
        [ErrorReason.AlgorithmNotSupported] = NTE_NOT_SUPPORTED,
        [ErrorReason.DigestLengthInvalid] = NTE_INVALID_PARAMETER,
        [ErrorReason.RequestNotPending] = NTE_FAIL,
        [ErrorReason.SelfApprovalForbidden] = NTE_FAIL,
        [ErrorReason.NotAnApprover] = NTE_FAIL,
        [ErrorReason.NameTaken] = NTE_FAIL,
        [ErrorReason.NotFound] = NTE_FAIL,
        [ErrorReason.InvalidArgument] = NTE_FAIL,
        [ErrorReason.Conflict] = NTE_FAIL,
        [ErrorReason.KeyOperationFailed] = NTE_FAIL,
        [ErrorReason.KeyVaultNotConfigured] = NTE_FAIL,
        [ErrorReason.PolicyUnsatisfiable] = NTE_FAIL,
        [ErrorReason.SelfPreapprovalForbidden] = NTE_FAIL,
        [ErrorReason.SignerArchived] = NTE_FAIL,
        [ErrorReason.PrincipalArchived] = NTE_FAIL,
    };

    [Fact]
    public void Every_error_reason_has_a_decided_NTE_code()
    {
        Assert.Equal(Enum.GetValues<ErrorReason>().Order(), Decided.Keys.Order());
        foreach (var (reason, expected) in Decided)
        {
            var failure = new RemoteException(StatusCode.FailedPrecondition, reason, new Dictionary<string, string>(), "detail");
            Assert.True(expected == KspErrors.ToStatus(failure), $"{reason}: expected {expected}");
        }
    }

    [Fact]
    public void A_reason_this_bridge_does_not_know_from_a_newer_server_is_NTE_FAIL_and_named_in_the_message()
    {
        var reason = ErrorDomain.ReasonOf(new ErrorInfo { Domain = ErrorDomain.Name, Reason = "SOME_FUTURE_REASON" });
        var failure = new RemoteException(StatusCode.PermissionDenied, reason, new Dictionary<string, string>(), "detail", "SOME_FUTURE_REASON");

        var mapped = KspErrors.From(failure, "signing with x failed");

        Assert.Equal(NTE_FAIL, mapped.Status);
        Assert.Contains("SOME_FUTURE_REASON", mapped.Message, StringComparison.Ordinal);
    }
}
