using CodeSigning.Ksp.Cng;
using CodeSigning.Pkcs11.Remote;
using Grpc.Core;
using static CodeSigning.Ksp.Cng.SECURITY_STATUS;

namespace CodeSigning.Ksp;

/// <summary>
/// Server errors as SECURITY_STATUS: the one mapping from ErrorInfo reasons (ErrorReason names) to
/// NTE_* codes (docs/ksp.md explains each choice). The three a signer meets most are distinct:
/// no server answered (NTE_DEVICE_NOT_READY), the credential was refused (NTE_INCORRECT_PASSWORD)
/// and the signature needs an approval or the role forbids it (NTE_PERM).
/// </summary>
public static class KspErrors
{
    public static SECURITY_STATUS ToStatus(RemoteException failure) => failure.Reason switch
    {
        _ when failure.IsUnreachable => NTE_DEVICE_NOT_READY,
        "CREDENTIAL_INVALID" or "CREDENTIAL_EXPIRED" or "CREDENTIAL_REVOKED" or "ASSERTION_INVALID" or "ASSERTION_REPLAYED" => NTE_INCORRECT_PASSWORD,
        "APPROVAL_REQUIRED" or "NOT_A_MEMBER" or "ROLE_FORBIDS" or "RATE_LIMITED" => NTE_PERM,
        "SIGNER_DISABLED" or "CERTIFICATE_MISSING" => NTE_BAD_KEY_STATE,
        "SIGNER_NOT_FOUND" => NTE_BAD_KEYSET,
        "ALGORITHM_NOT_SUPPORTED" => NTE_NOT_SUPPORTED,
        "DIGEST_LENGTH_INVALID" => NTE_INVALID_PARAMETER,
        "" when failure.Status == StatusCode.Unauthenticated => NTE_INCORRECT_PASSWORD,
        "" when failure.Status is StatusCode.PermissionDenied or StatusCode.FailedPrecondition => NTE_PERM,
        _ => NTE_FAIL,
    };

    /// <summary>The KspException for a failed server call, keeping the server's reason in the message.</summary>
    public static KspException From(RemoteException failure, string what) =>
        new(ToStatus(failure), $"{what}: {(failure.Reason.Length > 0 ? failure.Reason : failure.Status.ToString())}: {failure.Message}");
}
