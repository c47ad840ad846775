using CodeSigning.Ksp.Cng;
using CodeSigning.Pkcs11.Remote;
using CodeSigning.V1;
using Grpc.Core;
using static CodeSigning.Ksp.Cng.SECURITY_STATUS;

namespace CodeSigning.Ksp;

/// <summary>
/// Server errors as SECURITY_STATUS: the one mapping from the server's <see cref="ErrorReason"/> (or,
/// when the answer carried none, the gRPC status) to NTE_* codes (docs/ksp.md explains each choice).
/// The three a signer meets most are distinct: no server answered (NTE_DEVICE_NOT_READY), the
/// credential was refused (NTE_INCORRECT_PASSWORD) and the signature needs an approval or the role
/// forbids it (NTE_PERM). A reason this build does not know (a newer server) is NTE_FAIL.
/// </summary>
public static class KspErrors
{
    public static SECURITY_STATUS ToStatus(RemoteException failure) => failure.Reason switch
    {
        _ when failure.IsUnreachable => NTE_DEVICE_NOT_READY,
        ErrorReason.CredentialInvalid or ErrorReason.CredentialExpired or ErrorReason.CredentialRevoked
            or ErrorReason.AssertionInvalid or ErrorReason.AssertionReplayed => NTE_INCORRECT_PASSWORD,
        ErrorReason.ApprovalRequired or ErrorReason.NotAMember or ErrorReason.RoleForbids or ErrorReason.RateLimited => NTE_PERM,
        ErrorReason.SignerDisabled or ErrorReason.CertificateMissing => NTE_BAD_KEY_STATE,
        ErrorReason.SignerNotFound => NTE_BAD_KEYSET,
        ErrorReason.AlgorithmNotSupported => NTE_NOT_SUPPORTED,
        ErrorReason.DigestLengthInvalid => NTE_INVALID_PARAMETER,
        null when failure.Status == StatusCode.Unauthenticated => NTE_INCORRECT_PASSWORD,
        null when failure.Status is StatusCode.PermissionDenied or StatusCode.FailedPrecondition => NTE_PERM,
        _ => NTE_FAIL,
    };

    /// <summary>The KspException for a failed server call, keeping the server's reason in the message.</summary>
    public static KspException From(RemoteException failure, string what) =>
        new(ToStatus(failure), $"{what}: {failure.Cause}: {failure.Message}");
}
