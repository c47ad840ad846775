using System.Diagnostics;
using CodeSigning.Server.Audit;
using CodeSigning.Server.Keys;
using CodeSigning.Server.Storage;
using CodeSigning.Server.Telemetry;
using CodeSigning.V1;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace CodeSigning.Server.Domain;

/// <summary>
/// The one path to a signature: Signer visible -> enabled -> role may sign -> live grant when a
/// policy applies -> algorithm and digest fit -> key operation -> audit. The checks run first on a
/// snapshot, so that key operations run in parallel outside the write lock; then the
/// <see cref="GroupCommitter"/> runs them again in the write transaction that consumes the grant
/// unit and appends the audit event, so a signature is authorized at the moment it is recorded.
/// One that fails there is discarded and the denial audited; the caller hears back only once
/// the outcome is durable. Both run as appends to the Signer's audit chain, beside signatures on
/// other Signers, never beside a change to what they check.
/// </summary>
/// <remarks>
/// What the checks read about the caller and the Signer (<see cref="SignAuthorization"/>) is cached
/// under the store's authorization version: the authentication's snapshot read the version, and
/// while it stays the same the first check reads nothing more (unless a policy asks for a grant),
/// and the write transaction reads only the version again. Grants are always read fresh.
/// </remarks>
public sealed class SignPipeline(IStore store, GroupCommitter committer, AuditLog audit, KeyVaults vaults, TimeProvider clock, ILogger<SignPipeline> logger)
{
    // (principal, Signer as named) pairs in use at once. Beyond it the cache starts over.
    private const int MaxCachedAuthorizations = 10_000;

    private readonly AuthorizationCache<(string Principal, string Signer), SignAuthorization> _authorizations = new(MaxCachedAuthorizations);

    public async Task<SignResult> SignAsync(Caller caller, SignRequest request)
    {
        var started = Stopwatch.GetTimestamp();
        var scope = new OperationScope(AuditClient.From(request.Client));
        try
        {
            var result = await SignAsync(caller, request, scope);
            ServerMetrics.SignCompleted(scope.Signer?.Name ?? "", "signed", Stopwatch.GetElapsedTime(started));
            return result;
        }
        catch (ServiceException e)
        {
            ServerMetrics.SignCompleted(scope.Signer?.Name ?? "", e.IsDenial ? "denied" : "failed", Stopwatch.GetElapsedTime(started));
            throw;
        }
    }

    private async Task<SignResult> SignAsync(Caller caller, SignRequest request, OperationScope scope)
    {
        scope.Details["scheme"] = ProtoNames.Of(request.Scheme);
        scope.Details["digest_algorithm"] = ProtoNames.Of(request.DigestAlgorithm);
        // The digest itself: for a file hashed whole it is what sha256sum (or sha384sum...) prints, so
        // an auditor can find the signature of a given artifact. Anything longer than the longest
        // digest is refused below; only its length is kept, so a refused call cannot bloat the log.
        if (request.Digest.Length <= SignatureAlgorithms.MaxDigestLength)
        {
            scope.Details["digest_hex"] = Convert.ToHexStringLower(request.Digest.Span);
        }
        else
        {
            scope.Details["digest_length"] = request.Digest.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        Outcome outcome;
        try
        {
            var (authorized, version) = AuthorizeOnSnapshot(caller, request, scope);
            var signer = authorized.Signer;
            var signature = KeyOperation(signer, request);
            try
            {
                outcome = await committer.RunAsync(session => Record(session, caller, request, scope, authorized, version, signature), signer.Id);
            }
            catch (Exception e) when (e is not ServiceException)
            {
                ServerLog.SignatureNotRecorded(logger, DisplayText.Escape(signer.Name), e);
                throw new ServiceException(StatusCode.Internal, ErrorReason.KeyOperationFailed, "the signature could not be recorded in the audit log; it was discarded");
            }
        }
        catch (ServiceException e)
        {
            await committer.RunAsync(session => audit.Append(session, Refusal(caller, scope, e)), scope.Signer?.Id ?? "");
            throw;
        }
        if (outcome.Refusal is not null)
        {
            throw outcome.Refusal;
        }
        var result = outcome.Result!;
        ServerLog.Signed(logger, DisplayText.Escape(scope.Signer?.Name), DisplayText.Escape(caller.Principal.Name), scope.Details["scheme"], scope.Details["digest_algorithm"], result.AuditEventId);
        return result;
    }

    /// <summary>
    /// The checks on a snapshot, before the key operation: from the cache when the caller was
    /// authenticated under the version it holds, else read (and cached) under the snapshot's version.
    /// </summary>
    /// <returns>What was checked, and the authorization version it holds under.</returns>
    private (SignAuthorization Authorized, long Version) AuthorizeOnSnapshot(Caller caller, SignRequest request, OperationScope scope)
    {
        var key = (caller.Principal.Id, request.Signer);
        if (caller.AuthorizationVersion is { } version && _authorizations.TryGet(key, version, out var cached))
        {
            // A snapshot only for picking a grant, which a policy asks for.
            using var grants = cached.Policy is null ? null : store.BeginRead();
            Authorize(grants, caller, request, scope, cached);
            return (cached, version);
        }
        using (var session = store.BeginRead())
        {
            version = session.AuthorizationVersion();
            var authorized = SignerAccess.ForSigning(session, caller, request.Signer);
            _authorizations.Set(key, version, authorized);
            Authorize(session, caller, request, scope, authorized);
            return (authorized, version);
        }
    }

    /// <summary>In the write transaction: the same checks again, then the grant unit and the audit event, or the refusal's event.</summary>
    private Outcome Record(IStoreSession session, Caller caller, SignRequest request, OperationScope scope, SignAuthorization authorized, long version, byte[] signature)
    {
        SignerRecord signer;
        GrantRecord? grant;
        PolicyRecord? policy;
        try
        {
            // Unchanged version: nothing the snapshot's checks read has changed since. Otherwise read
            // again, by id: the key that signed is this Signer's, even if a name changed hands meanwhile.
            var current = session.AuthorizationVersion() == version ? authorized : SignerAccess.ForSigning(session, caller, authorized.Signer.Id);
            (signer, grant, policy) = Authorize(session, caller, request, scope, current);
            if (!signer.PublicKey.AsSpan().SequenceEqual(authorized.Signer.PublicKey))
            {
                throw ServiceException.Conflict($"Signer '{signer.Name}' got a new key while this signature was made with the old one; sign again");
            }
            // One conditional update: a unit spent, or a grant revoked or expired, since the read above is not taken.
            if (grant is not null && !Grants.TryConsume(session, grant, policy!, clock.GetUtcNow()))
            {
                throw ApprovalRequired(session, caller, signer);
            }
        }
        catch (ServiceException e)
        {
            audit.Append(session, Refusal(caller, scope, e));
            return new Outcome(null, e);
        }
        var created = Operations.Entry(caller, AuditEventTypes.SignatureCreated, AuditOutcome.Success, scope);
        if (grant is not null)
        {
            // On this event only, not in the scope: if the group fails, the unit runs again or its
            // failure is audited, and neither may name a grant unit that was not consumed.
            created = created with { Details = new(scope.Details, StringComparer.Ordinal) { ["grant_id"] = grant.Id } };
        }
        var record = audit.Append(session, created);
        return new Outcome(new SignResult(signature, record.Id, grant?.Id, grant is null ? 0 : Grants.Remaining(grant, policy!) - 1), null);
    }

    /// <summary>The checks themselves, on what <paramref name="authorized"/> says; a grant is picked in <paramref name="session"/>, needed only under a policy.</summary>
    /// <returns>The Signer, the grant to consume and the policy in force when there is one.</returns>
    private (SignerRecord Signer, GrantRecord? Grant, PolicyRecord? Policy) Authorize(IStoreSession? session, Caller caller, SignRequest request, OperationScope scope, SignAuthorization authorized)
    {
        var (signer, hasChain, role, policy) = authorized;
        scope.Signer = signer;
        if (role == Role.Unspecified)
        {
            throw SignerAccess.NotAMember(caller, signer, request.Signer);
        }
        SignerAccess.RequireInService(signer);
        if (!signer.Enabled)
        {
            throw new ServiceException(StatusCode.FailedPrecondition, ErrorReason.SignerDisabled, $"Signer '{signer.Name}' is disabled for signing");
        }
        if (!RoleCapabilities.Allows(role, Capability.Sign))
        {
            throw ServiceException.RoleForbids(role, "sign");
        }
        if (!hasChain)
        {
            throw SignerManager.CertificateMissing(signer);
        }
        var grant = policy is null ? null : PickGrant(session!, caller, signer, policy, request.GrantId);
        SignatureAlgorithms.Check(signer.KeyAlgorithm, request.Scheme, request.DigestAlgorithm, request.Digest.Length);
        return (signer, grant, policy);
    }

    private byte[] KeyOperation(SignerRecord signer, SignRequest request)
    {
        try
        {
            return vaults.Vault(signer.KeyVault).SignDigest(signer.KeyReference, request.Scheme, request.DigestAlgorithm, request.Digest.Span);
        }
        catch (Exception e) when (e is not ServiceException)
        {
            ServerLog.KeyOperationFailed(logger, DisplayText.Escape(signer.Name), e);
            throw new ServiceException(StatusCode.Internal, ErrorReason.KeyOperationFailed, "the key operation failed; nothing was signed");
        }
    }

    private static AuditEntry Refusal(Caller caller, OperationScope scope, ServiceException e) =>
        Operations.Entry(caller, e.IsDenial ? AuditEventTypes.SignatureDenied : AuditEventTypes.SignatureFailed, e.IsDenial ? AuditOutcome.Denied : AuditOutcome.Failed, scope)
            with { Reason = e.AuditedReasonName };

    /// <summary>A live grant of the caller, held to the caps of the policy in force now (it may have been tightened since the grant).</summary>
    private GrantRecord PickGrant(IStoreSession session, Caller caller, SignerRecord signer, PolicyRecord policy, string requestedGrantId)
    {
        var live = Grants.LiveFor(session, signer.Id, caller.Principal.Id, policy, clock.GetUtcNow());
        var grant = requestedGrantId.Length > 0
            ? live.FirstOrDefault(g => g.Id == requestedGrantId)
            : live.MinBy(g => g.NotAfter);
        return grant ?? throw ApprovalRequired(session, caller, signer);
    }

    /// <summary>What the write transaction decided: a signature to return, or a refusal already audited.</summary>
    private sealed record Outcome(SignResult? Result, ServiceException? Refusal);

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
