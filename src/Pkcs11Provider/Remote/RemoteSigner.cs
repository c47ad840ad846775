using CodeSigning.Pkcs11.Logging;
using CodeSigning.V1;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace CodeSigning.Pkcs11.Remote;

/// <summary>
/// One signature from the server: the digest travels with a correlation id that appears in the
/// module's log and in the server's audit event. An approval missing is explained with the csign
/// command to run, or, with `approval_wait_seconds`, requested and waited for. A failure is logged
/// with the correlation id and thrown as the server's <see cref="RemoteException"/>.
/// </summary>
/// <param name="client">The client name the audit log shows (ClientContext.client); the PKCS#11 module's by default.</param>
public sealed class RemoteSigner(RemoteClient remote, TimeSpan approvalWait, TimeProvider time, ILogger logger, string? client = null)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>How long the grant of a request filed by the module stays usable once approved.</summary>
    private static readonly TimeSpan GrantWindow = TimeSpan.FromHours(1);
    private static readonly string ClientName = $"libcodesign-pkcs11/{typeof(RemoteSigner).Assembly.GetName().Version?.ToString(2)}";

    /// <param name="signerName">The Signer's name, for the log and the csign command it suggests.</param>
    public byte[] Sign(string bearer, string signerId, string signerName, SignatureScheme scheme, DigestAlgorithm digestAlgorithm, byte[] digest)
    {
        var correlationId = Guid.NewGuid().ToString("N");
        var request = new SignRequest
        {
            Signer = signerId,
            Scheme = scheme,
            DigestAlgorithm = digestAlgorithm,
            // The digest array is this request's own (the operation made it): wrapped, not copied.
            Digest = UnsafeByteOperations.UnsafeWrap(digest),
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
                return Signed(remote.Sign(bearer, request), signerName, correlationId);
            }
            catch (RemoteException ex) when (ex.Reason == ErrorReason.ApprovalRequired && approvalWait > TimeSpan.Zero)
            {
                request.GrantId = WaitForGrant(bearer, signerId, signerName, ex, correlationId);
                return Signed(remote.Sign(bearer, request), signerName, correlationId);
            }
        }
        catch (RemoteException ex)
        {
            if (ex.Reason == ErrorReason.ApprovalRequired)
            {
                ProviderLog.ApprovalRequired(logger, signerName, ex.Message, correlationId, signerName);
            }
            else if (ex.Reason is not null)
            {
                ProviderLog.SignRejected(logger, signerName, ex.ReasonName, ex.Message, correlationId);
            }
            else
            {
                ProviderLog.SignFailed(logger, signerName, ex.Status, ex.Message, correlationId);
            }

            throw;
        }
    }

    private byte[] Signed(SignResponse response, string signerName, string correlationId)
    {
        ProviderLog.Signed(logger, signerName, correlationId, response.AuditEventId);
        ModuleCounters.Signed();
        return response.Signature.ToByteArray();
    }

    /// <summary>Files a signing request (or follows the pending one) and polls until it is decided or the wait is over.</summary>
    private string WaitForGrant(string bearer, string signerId, string signerName, RemoteException approvalRequired, string correlationId)
    {
        var deadline = time.GetUtcNow() + approvalWait;
        var requestId = approvalRequired.Metadata.GetValueOrDefault("pending_request_id");
        if (string.IsNullOrEmpty(requestId))
        {
            requestId = remote.CreateSigningRequest(bearer, new CreateSigningRequestRequest
            {
                Signer = signerId,
                SignatureCount = 1,
                Window = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(GrantWindow),
                Justification = $"PKCS#11 signature by {ProcessIdentity.Process} on {ProcessIdentity.Host} (correlation id {correlationId})",
            }).Id;
        }

        ProviderLog.WaitingForApproval(logger, signerName, requestId, (int)approvalWait.TotalSeconds, correlationId);
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
                    throw new RemoteException(Grpc.Core.StatusCode.FailedPrecondition, ErrorReason.ApprovalRequired, approvalRequired.Metadata,
                        $"signing request {requestId} is still pending after {approvalWait.TotalSeconds:0} s");
                default:
                    throw new RemoteException(Grpc.Core.StatusCode.FailedPrecondition, ErrorReason.ApprovalRequired, approvalRequired.Metadata,
                        $"signing request {requestId} ended {request.State}");
            }
        }
    }
}
