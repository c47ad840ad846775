using CodeSigning.Pkcs11.Cryptoki;
using CodeSigning.Pkcs11.Remote;
using CodeSigning.V1;
using Grpc.Core;

namespace CodeSigning.Pkcs11;

/// <summary>
/// The one place a failed server call becomes a CK_RV: the server's <see cref="ErrorReason"/>
/// decides, or, when the answer carried none, the gRPC status. A server not reached, and a reason
/// this module does not know (a newer server), are CKR_DEVICE_ERROR.
/// </summary>
public static class RemoteFailure
{
    /// <summary>What the module was doing when the server refused.</summary>
    public enum During
    {
        /// <summary>Listing or reading Signers, getting a bearer.</summary>
        Lookup,

        /// <summary>C_Login opening a token with the API key given as PIN: a refused credential is a wrong PIN.</summary>
        Login,

        /// <summary>
        /// A signature on a token the module has listed: SIGNER_NOT_FOUND then means the caller's
        /// membership is gone (the server answers a non-member as for an unknown Signer, and Signers
        /// are never deleted), a refusal like NOT_A_MEMBER.
        /// </summary>
        Sign,
    }

    public static CKR ToResult(RemoteException failure, During during) => failure.Reason switch
    {
        _ when failure.IsUnreachable => CKR.CKR_DEVICE_ERROR,
        ErrorReason.CredentialInvalid or ErrorReason.CredentialExpired or ErrorReason.CredentialRevoked
            or ErrorReason.AssertionInvalid or ErrorReason.AssertionReplayed => CredentialRefused(during),
        ErrorReason.ApprovalRequired or ErrorReason.SignerDisabled or ErrorReason.NotAMember or ErrorReason.RoleForbids
            or ErrorReason.CertificateMissing or ErrorReason.RateLimited => CKR.CKR_FUNCTION_REJECTED,
        ErrorReason.SignerNotFound => during == During.Sign ? CKR.CKR_FUNCTION_REJECTED : CKR.CKR_TOKEN_NOT_PRESENT,
        ErrorReason.AlgorithmNotSupported => CKR.CKR_MECHANISM_INVALID,
        ErrorReason.DigestLengthInvalid => CKR.CKR_DATA_LEN_RANGE,
        null when failure.Status == StatusCode.Unauthenticated => CredentialRefused(during),
        null when failure.Status is StatusCode.PermissionDenied or StatusCode.FailedPrecondition => CKR.CKR_FUNCTION_REJECTED,
        _ => CKR.CKR_DEVICE_ERROR,
    };

    private static CKR CredentialRefused(During during) => during == During.Login ? CKR.CKR_PIN_INCORRECT : CKR.CKR_USER_NOT_LOGGED_IN;
}
