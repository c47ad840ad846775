using CodeSigning.Pkcs11.Cryptoki;
using CodeSigning.Pkcs11.Logging;
using CodeSigning.Pkcs11.Mechanisms;
using CodeSigning.Pkcs11.Tokens;
using CodeSigning.V1;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace CodeSigning.Pkcs11.Remote;

/// <summary>
/// One signature from the server: the digest travels with a correlation id that appears in the
/// module's log and in the server's audit event. An approval missing is explained with the csign
/// command to run, or, with `approval_wait_seconds`, requested and waited for.
/// </summary>
/// <param name="client">The client name the audit log shows (ClientContext.client); the PKCS#11 module's by default.</param>
public sealed class RemoteSigner(RemoteClient remote, TimeSpan approvalWait, TimeProvider time, ILogger logger, string? client = null)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>How long the grant of a request filed by the module stays usable once approved.</summary>
    private static readonly TimeSpan GrantWindow = TimeSpan.FromHours(1);
    private static readonly string ClientName = $"libcodesign-pkcs11/{typeof(RemoteSigner).Assembly.GetName().Version?.ToString(2)}";

    public byte[] Sign(string bearer, SignerSnapshot signer, SignatureInput input)
    {
        var correlationId = Guid.NewGuid().ToString("N");
        var request = new SignRequest
        {
            Signer = signer.Id,
            Scheme = input.Scheme,
            DigestAlgorithm = input.DigestAlgorithm,
            Digest = ByteString.CopyFrom(input.Digest),
            Client = new ClientContext
            {
                Host = ProcessIdentity.Host,
                Process = ProcessIdentity.Process,
                Pid = ProcessIdentity.CurrentPid(),
                CorrelationId = correlationId,
                Client = client ?? ClientName,
            },
        };

        try
        {
            try
            {
                return Signed(remote.Sign(bearer, request), signer, correlationId);
            }
            catch (RemoteException ex) when (ex.Reason == "APPROVAL_REQUIRED" && approvalWait > TimeSpan.Zero)
            {
                request.GrantId = WaitForGrant(bearer, signer, ex, correlationId);
                return Signed(remote.Sign(bearer, request), signer, correlationId);
            }
        }
        catch (RemoteException ex)
        {
            var result = RemoteErrors.ToResult(ex, duringSign: true);
            if (ex.Reason == "APPROVAL_REQUIRED")
            {
                ProviderLog.ApprovalRequired(logger, signer.Name, ex.Message, correlationId, signer.Name);
            }
            else if (result == CKR.CKR_FUNCTION_REJECTED)
            {
                ProviderLog.SignRejected(logger, signer.Name, ex.Reason, ex.Message, correlationId);
            }
            else
            {
                ProviderLog.SignFailed(logger, signer.Name, result, ex.Reason, ex.Message, correlationId);
            }

            throw new Pkcs11Exception(result, $"signing with {signer.Name} failed: {(ex.Reason.Length > 0 ? ex.Reason : ex.Status.ToString())} (correlation id {correlationId})", ex);
        }
    }

    private byte[] Signed(SignResponse response, SignerSnapshot signer, string correlationId)
    {
        ProviderLog.Signed(logger, signer.Name, correlationId, response.AuditEventId);
        ModuleCounters.Signed();
        return response.Signature.ToByteArray();
    }

    /// <summary>Files a signing request (or follows the pending one) and polls until it is decided or the wait is over.</summary>
    private string WaitForGrant(string bearer, SignerSnapshot signer, RemoteException approvalRequired, string correlationId)
    {
        var deadline = time.GetUtcNow() + approvalWait;
        var requestId = approvalRequired.Metadata.GetValueOrDefault("pending_request_id");
        if (string.IsNullOrEmpty(requestId))
        {
            requestId = remote.CreateSigningRequest(bearer, new CreateSigningRequestRequest
            {
                Signer = signer.Id,
                SignatureCount = 1,
                Window = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(GrantWindow),
                Justification = $"PKCS#11 signature by {ProcessIdentity.Process} on {ProcessIdentity.Host} (correlation id {correlationId})",
            }).Id;
        }

        ProviderLog.WaitingForApproval(logger, signer.Name, requestId, (int)approvalWait.TotalSeconds, correlationId);
        while (true)
        {
            var request = remote.GetSigningRequest(bearer, requestId);
            switch (request.State)
            {
                case SigningRequestState.Approved:
                    return request.GrantId;
                case SigningRequestState.Pending when time.GetUtcNow() + PollInterval < deadline:
                    Thread.Sleep(PollInterval);
                    continue;
                case SigningRequestState.Pending:
                    throw new RemoteException(Grpc.Core.StatusCode.FailedPrecondition, "APPROVAL_REQUIRED", approvalRequired.Metadata,
                        $"signing request {requestId} is still pending after {approvalWait.TotalSeconds:0} s");
                default:
                    throw new RemoteException(Grpc.Core.StatusCode.FailedPrecondition, "APPROVAL_REQUIRED", approvalRequired.Metadata,
                        $"signing request {requestId} ended {request.State}");
            }
        }
    }
}
