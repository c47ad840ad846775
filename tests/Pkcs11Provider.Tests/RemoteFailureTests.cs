using CodeSigning.Pkcs11.Cryptoki;
using CodeSigning.Pkcs11.Remote;
using CodeSigning.V1;
using Google.Rpc;
using Grpc.Core;

namespace CodeSigning.Pkcs11.Tests;

/// <summary>
/// The one mapping from a server error to a CK_RV (<see cref="RemoteFailure"/>), reason by reason: a
/// new ErrorReason fails <see cref="Every_error_reason_has_a_decided_CK_RV"/> until this table says
/// what the module answers for it.
/// </summary>
public sealed class RemoteFailureTests
{
    /// <summary>The answer outside C_Login and signing (listing Signers, reading one, getting a bearer).</summary>
    private static readonly Dictionary<ErrorReason, CKR> Decided = new()
    {
        [ErrorReason.Unspecified] = CKR.CKR_DEVICE_ERROR,
        [ErrorReason.CredentialInvalid] = CKR.CKR_USER_NOT_LOGGED_IN,
        [ErrorReason.CredentialExpired] = CKR.CKR_USER_NOT_LOGGED_IN,
        [ErrorReason.CredentialRevoked] = CKR.CKR_USER_NOT_LOGGED_IN,
        [ErrorReason.AssertionInvalid] = CKR.CKR_USER_NOT_LOGGED_IN,
        [ErrorReason.AssertionReplayed] = CKR.CKR_USER_NOT_LOGGED_IN,
        [ErrorReason.RateLimited] = CKR.CKR_FUNCTION_REJECTED,
        [ErrorReason.NotAMember] = CKR.CKR_FUNCTION_REJECTED,
        [ErrorReason.RoleForbids] = CKR.CKR_FUNCTION_REJECTED,
        [ErrorReason.ProductAdminRequired] = CKR.CKR_DEVICE_ERROR,
        [ErrorReason.SignerNotFound] = CKR.CKR_TOKEN_NOT_PRESENT,
        [ErrorReason.SignerDisabled] = CKR.CKR_FUNCTION_REJECTED,
        [ErrorReason.ApprovalRequired] = CKR.CKR_FUNCTION_REJECTED,
        [ErrorReason.CertificateMissing] = CKR.CKR_FUNCTION_REJECTED,
        [ErrorReason.CertificateMismatch] = CKR.CKR_DEVICE_ERROR,
        [ErrorReason.AlgorithmNotSupported] = CKR.CKR_MECHANISM_INVALID,
        [ErrorReason.DigestLengthInvalid] = CKR.CKR_DATA_LEN_RANGE,
        [ErrorReason.RequestNotPending] = CKR.CKR_DEVICE_ERROR,
        [ErrorReason.SelfApprovalForbidden] = CKR.CKR_DEVICE_ERROR,
        [ErrorReason.NotAnApprover] = CKR.CKR_DEVICE_ERROR,
        [ErrorReason.NameTaken] = CKR.CKR_DEVICE_ERROR,
        [ErrorReason.NotFound] = CKR.CKR_DEVICE_ERROR,
        [ErrorReason.InvalidArgument] = CKR.CKR_DEVICE_ERROR,
        [ErrorReason.Conflict] = CKR.CKR_DEVICE_ERROR,
        [ErrorReason.KeyOperationFailed] = CKR.CKR_DEVICE_ERROR,
        [ErrorReason.KeyVaultNotConfigured] = CKR.CKR_DEVICE_ERROR,
        [ErrorReason.PolicyUnsatisfiable] = CKR.CKR_DEVICE_ERROR,
        [ErrorReason.SelfPreapprovalForbidden] = CKR.CKR_DEVICE_ERROR,
        [ErrorReason.SignerArchived] = CKR.CKR_DEVICE_ERROR,
        [ErrorReason.PrincipalArchived] = CKR.CKR_DEVICE_ERROR,
    };

    [Fact]
    public void Every_error_reason_has_a_decided_CK_RV()
    {
        Assert.Equal(Enum.GetValues<ErrorReason>().Order(), Decided.Keys.Order());
        foreach (var (reason, expected) in Decided)
        {
            Assert.True(expected == RemoteFailure.ToResult(Failure(StatusCode.FailedPrecondition, reason), RemoteFailure.During.Lookup),
                $"{reason}: expected {expected}");
        }
    }

    [Theory]
    [InlineData(ErrorReason.CredentialInvalid, RemoteFailure.During.Login, CKR.CKR_PIN_INCORRECT)]
    [InlineData(ErrorReason.CredentialExpired, RemoteFailure.During.Login, CKR.CKR_PIN_INCORRECT)]
    [InlineData(ErrorReason.CredentialRevoked, RemoteFailure.During.Login, CKR.CKR_PIN_INCORRECT)]
    [InlineData(ErrorReason.AssertionInvalid, RemoteFailure.During.Login, CKR.CKR_PIN_INCORRECT)]
    [InlineData(ErrorReason.AssertionReplayed, RemoteFailure.During.Login, CKR.CKR_PIN_INCORRECT)]
    [InlineData(ErrorReason.CredentialInvalid, RemoteFailure.During.Sign, CKR.CKR_USER_NOT_LOGGED_IN)]
    [InlineData(ErrorReason.SignerNotFound, RemoteFailure.During.Login, CKR.CKR_TOKEN_NOT_PRESENT)]
    [InlineData(ErrorReason.SignerNotFound, RemoteFailure.During.Sign, CKR.CKR_FUNCTION_REJECTED)]
    [InlineData(ErrorReason.ApprovalRequired, RemoteFailure.During.Sign, CKR.CKR_FUNCTION_REJECTED)]
    [InlineData(ErrorReason.KeyOperationFailed, RemoteFailure.During.Sign, CKR.CKR_DEVICE_ERROR)]
    public void A_reason_whose_meaning_depends_on_the_call_maps_by_the_call(ErrorReason reason, RemoteFailure.During during, CKR expected)
    {
        Assert.Equal(expected, RemoteFailure.ToResult(Failure(StatusCode.FailedPrecondition, reason), during));
    }

    [Theory]
    [InlineData(StatusCode.Unavailable, RemoteFailure.During.Sign, CKR.CKR_DEVICE_ERROR)]
    [InlineData(StatusCode.DeadlineExceeded, RemoteFailure.During.Lookup, CKR.CKR_DEVICE_ERROR)]
    [InlineData(StatusCode.Cancelled, RemoteFailure.During.Lookup, CKR.CKR_DEVICE_ERROR)]
    [InlineData(StatusCode.Unauthenticated, RemoteFailure.During.Lookup, CKR.CKR_USER_NOT_LOGGED_IN)]
    [InlineData(StatusCode.Unauthenticated, RemoteFailure.During.Login, CKR.CKR_PIN_INCORRECT)]
    [InlineData(StatusCode.PermissionDenied, RemoteFailure.During.Sign, CKR.CKR_FUNCTION_REJECTED)]
    [InlineData(StatusCode.FailedPrecondition, RemoteFailure.During.Sign, CKR.CKR_FUNCTION_REJECTED)]
    [InlineData(StatusCode.Internal, RemoteFailure.During.Sign, CKR.CKR_DEVICE_ERROR)]
    public void An_answer_without_a_reason_maps_by_its_gRPC_status(StatusCode status, RemoteFailure.During during, CKR expected)
    {
        Assert.Equal(expected, RemoteFailure.ToResult(new RemoteException(status, null, new Dictionary<string, string>(), "detail"), during));
    }

    [Fact]
    public void A_reason_this_module_does_not_know_from_a_newer_server_is_a_device_error_and_keeps_its_name()
    {
        var info = new ErrorInfo { Domain = ErrorDomain.Name, Reason = "SOME_FUTURE_REASON" };
        var status = new Google.Rpc.Status { Code = (int)StatusCode.PermissionDenied, Message = "newer server", Details = { Google.Protobuf.WellKnownTypes.Any.Pack(info) } };

        var failure = RemoteException.From(status.ToRpcException());

        Assert.Equal(ErrorReason.Unspecified, failure.Reason);
        Assert.Equal("SOME_FUTURE_REASON", failure.ReasonName);
        Assert.False(failure.IsUnreachable);
        Assert.Equal(CKR.CKR_DEVICE_ERROR, RemoteFailure.ToResult(failure, RemoteFailure.During.Sign));
    }

    [Fact]
    public void The_reason_name_the_server_sends_is_read_back_as_its_enum_value()
    {
        var info = new ErrorInfo { Domain = ErrorDomain.Name, Reason = "APPROVAL_REQUIRED", Metadata = { ["pending_request_id"] = "r-1" } };
        var status = new Google.Rpc.Status { Code = (int)StatusCode.FailedPrecondition, Message = "needs approval", Details = { Google.Protobuf.WellKnownTypes.Any.Pack(info) } };

        var failure = RemoteException.From(status.ToRpcException());

        Assert.Equal(ErrorReason.ApprovalRequired, failure.Reason);
        Assert.Equal("r-1", failure.Metadata["pending_request_id"]);
        Assert.Equal(CKR.CKR_FUNCTION_REJECTED, RemoteFailure.ToResult(failure, RemoteFailure.During.Sign));
    }

    [Fact]
    public void An_error_info_of_another_domain_counts_as_no_reason()
    {
        var info = new ErrorInfo { Domain = "proxy.example", Reason = "APPROVAL_REQUIRED" };
        var status = new Google.Rpc.Status { Code = (int)StatusCode.Unavailable, Message = "proxy", Details = { Google.Protobuf.WellKnownTypes.Any.Pack(info) } };

        var failure = RemoteException.From(status.ToRpcException());

        Assert.Null(failure.Reason);
        Assert.True(failure.IsUnreachable);
        Assert.Equal(CKR.CKR_DEVICE_ERROR, RemoteFailure.ToResult(failure, RemoteFailure.During.Sign));
    }

    private static RemoteException Failure(StatusCode status, ErrorReason reason) =>
        new(status, reason, new Dictionary<string, string>(), "detail");
}
