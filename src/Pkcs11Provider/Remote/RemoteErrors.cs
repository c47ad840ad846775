using CodeSigning.Pkcs11.Cryptoki;
using Grpc.Core;

namespace CodeSigning.Pkcs11.Remote;

/// <summary>Server errors as CK_RV: the one mapping from ErrorInfo reasons (ErrorReason names) to PKCS#11 codes.</summary>
public static class RemoteErrors
{
    /// <param name="duringSign">
    /// A sign call on a token the module has listed: SIGNER_NOT_FOUND then means the caller's
    /// membership is gone (the server answers a non-member as for an unknown Signer, and Signers are
    /// never deleted), a refusal like NOT_A_MEMBER.
    /// </param>
    public static CKR ToResult(RemoteException failure, bool duringLogin = false, bool duringSign = false) => failure.Reason switch
    {
        _ when failure.IsUnreachable => CKR.CKR_DEVICE_ERROR,
        "CREDENTIAL_INVALID" or "CREDENTIAL_EXPIRED" or "CREDENTIAL_REVOKED" or "ASSERTION_INVALID" or "ASSERTION_REPLAYED"
            => duringLogin ? CKR.CKR_PIN_INCORRECT : CKR.CKR_USER_NOT_LOGGED_IN,
        "APPROVAL_REQUIRED" or "SIGNER_DISABLED" or "NOT_A_MEMBER" or "ROLE_FORBIDS" or "CERTIFICATE_MISSING" or "RATE_LIMITED"
            => CKR.CKR_FUNCTION_REJECTED,
        "SIGNER_NOT_FOUND" when duringSign => CKR.CKR_FUNCTION_REJECTED,
        "SIGNER_NOT_FOUND" => CKR.CKR_TOKEN_NOT_PRESENT,
        "ALGORITHM_NOT_SUPPORTED" => CKR.CKR_MECHANISM_INVALID,
        "DIGEST_LENGTH_INVALID" => CKR.CKR_DATA_LEN_RANGE,
        "" when failure.Status == StatusCode.Unauthenticated => duringLogin ? CKR.CKR_PIN_INCORRECT : CKR.CKR_USER_NOT_LOGGED_IN,
        "" when failure.Status is StatusCode.PermissionDenied or StatusCode.FailedPrecondition => CKR.CKR_FUNCTION_REJECTED,
        _ => CKR.CKR_DEVICE_ERROR,
    };
}
