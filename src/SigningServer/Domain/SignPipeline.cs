using CodeSigning.Server.Audit;
using CodeSigning.Server.Keys;
using CodeSigning.Server.Storage;
using CodeSigning.V1;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace CodeSigning.Server.Domain;

/// <summary>
/// The one path to a signature: Signer visible -> enabled -> role may sign -> live grant when a
/// policy applies -> algorithm and digest fit -> key operation -> audit, all in one transaction,
/// so the grant unit, the signature and its audit event commit together or not at all.
/// </summary>
public sealed class SignPipeline(IStore store, AuditLog audit, Operations operations, KeyVaults vaults, TimeProvider clock, ILogger<SignPipeline> logger)
{
    public SignResult Sign(Caller caller, SignRequest request)
    {
        var scope = new OperationScope(AuditClient.From(request.Client));
        scope.Details["scheme"] = ProtoNames.Of(request.Scheme);
        scope.Details["digest_algorithm"] = ProtoNames.Of(request.DigestAlgorithm);
        // The digest itself: for a file hashed whole it is what sha256sum (or sha384sum...) prints, so
        // an auditor can find the signature of a given artifact.
        scope.Details["digest_hex"] = Convert.ToHexStringLower(request.Digest.Span);
        try
        {
            using var session = store.Begin();
            var result = SignInTransaction(session, caller, request, scope);
            session.Commit();
            ServerLog.Signed(logger, scope.Signer?.Name ?? "", caller.Principal.Name, scope.Details["scheme"], scope.Details["digest_algorithm"], result.AuditEventId);
            return result;
        }
        catch (ServiceException e)
        {
            var type = e.IsDenial ? "signature.denied" : "signature.failed";
            operations.Record(Operations.Entry(caller, type, e.IsDenial ? AuditOutcome.Denied : AuditOutcome.Failed, scope) with { Reason = e.ReasonName });
            throw;
        }
    }

    private SignResult SignInTransaction(IStoreSession session, Caller caller, SignRequest request, OperationScope scope)
    {
        var signer = scope.Signer = SignerAccess.Find(session, request.Signer);
        var role = SignerAccess.EffectiveRole(session, caller.Principal, signer.Id);
        if (role == Role.Unspecified)
        {
            throw SignerAccess.NotAMember(signer);
        }
        if (!signer.Enabled)
        {
            throw new ServiceException(StatusCode.FailedPrecondition, ErrorReason.SignerDisabled, $"Signer '{signer.Name}' is disabled for signing");
        }
        if (!RoleCapabilities.Allows(role, Capability.Sign))
        {
            throw ServiceException.RoleForbids(role, "sign");
        }
        if (signer.Chain.Count == 0)
        {
            throw SignerManager.CertificateMissing(signer);
        }
        var grant = session.GetPolicy(signer.Id) is null ? null : PickGrant(session, caller, signer, request.GrantId);
        SignatureAlgorithms.Check(signer.KeyAlgorithm, request.Scheme, request.DigestAlgorithm, request.Digest.Length);

        if (grant is not null)
        {
            // Under the store's write lock: the grant read above cannot have been spent since.
            if (!session.TryConsumeGrant(grant.Id))
            {
                throw ApprovalRequired(session, caller, signer);
            }
            scope.Details["grant_id"] = grant.Id;
        }
        byte[] signature;
        try
        {
            signature = vaults.Get(signer.KeyVault).SignDigest(signer.KeyReference, request.Scheme, request.DigestAlgorithm, request.Digest.Span);
        }
        catch (Exception e) when (e is not ServiceException)
        {
            ServerLog.KeyOperationFailed(logger, signer.Name, e);
            throw new ServiceException(StatusCode.Internal, ErrorReason.KeyOperationFailed, "the key operation failed; nothing was signed");
        }
        var record = audit.Append(session, Operations.Entry(caller, "signature.created", AuditOutcome.Success, scope));
        return new SignResult(signature, record.Id, grant?.Id, grant is null ? 0 : grant.Allowed - grant.Used - 1);
    }

    private GrantRecord PickGrant(IStoreSession session, Caller caller, SignerRecord signer, string requestedGrantId)
    {
        var now = clock.GetUtcNow();
        var live = session.ListGrants(signer.Id).Where(g => g.Grantee.Id == caller.Principal.Id && g.IsLive(now));
        var grant = requestedGrantId.Length > 0
            ? live.FirstOrDefault(g => g.Id == requestedGrantId)
            : live.MinBy(g => g.NotAfter);
        return grant ?? throw ApprovalRequired(session, caller, signer);
    }

    private ServiceException ApprovalRequired(IStoreSession session, Caller caller, SignerRecord signer)
    {
        var metadata = new Dictionary<string, string> { ["signer_id"] = signer.Id };
        var now = clock.GetUtcNow();
        var pending = session.ListSigningRequests([signer.Id])
            .FirstOrDefault(r => r.Requester.Id == caller.Principal.Id && r.State == SigningRequestState.Pending && r.ExpiresAt > now);
        if (pending is not null)
        {
            metadata["pending_request_id"] = pending.Id;
        }
        return new ServiceException(StatusCode.FailedPrecondition, ErrorReason.ApprovalRequired,
            pending is null
                ? $"Signer '{signer.Name}' needs an approval: submit a signing request (csign request create --signer {signer.Name}) and wait for it to be approved"
                : $"Signer '{signer.Name}' needs an approval: your request {pending.Id} is still pending",
            metadata);
    }
}
