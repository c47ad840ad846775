using CodeSigning.Server.Audit;
using CodeSigning.Server.Storage;
using CodeSigning.V1;
using Grpc.Core;

namespace CodeSigning.Server.Domain;

/// <summary>Approval policies, signing requests and their decisions, and the API of grants, whose life <see cref="Grants"/> owns.</summary>
public sealed class ApprovalManager(Operations operations, AuditLog audit, ServerSettings settings, TimeProvider clock)
{
    public PolicyRecord GetPolicy(Caller caller, string signerRef) => operations.Read(caller, AuditEventTypes.PolicyRead, (session, scope) =>
    {
        var (signer, _) = SignerAccess.Require(session, caller, signerRef, Capability.View, "view the approval policy", scope);
        return session.GetPolicy(signer.Id) ?? throw ServiceException.NotFound($"an approval policy for Signer '{signer.Name}'");
    });

    /// <summary>Creates or edits the policy: what <paramref name="policy"/> leaves unset keeps its current value.</summary>
    public PolicyRecord SetPolicy(Caller caller, string signerRef, ApprovalPolicy? policy) => operations.Change(caller, AuditEventTypes.PolicySet, (session, scope) =>
    {
        var (signer, _) = SignerAccess.Require(session, caller, signerRef, Capability.Manage, "edit the approval policy", scope);
        if (policy is null)
        {
            throw ServiceException.InvalidArgument("policy", "policy is required");
        }
        var current = session.GetPolicy(signer.Id);
        var approvers = policy.Approvers.Count > 0
            ? policy.Approvers.Select((a, i) => PrincipalResolver.Resolve(session, a, $"policy.approvers[{i}]", joining: true)).DistinctBy(a => a.Id).ToList()
            : current?.Approvers ?? throw ServiceException.InvalidArgument("policy.approvers", "name at least one approver");
        var required = policy.HasApprovalsRequired ? policy.ApprovalsRequired : current?.ApprovalsRequired ?? 1;
        if (required < 1)
        {
            throw ServiceException.InvalidArgument("policy.approvals_required", "approvals_required must be at least 1");
        }
        var maxSignatures = policy.HasMaxSignaturesPerGrant ? policy.MaxSignaturesPerGrant : current?.MaxSignaturesPerGrant ?? 0;
        if (maxSignatures < 0)
        {
            throw ServiceException.InvalidArgument("policy.max_signatures_per_grant", "max_signatures_per_grant must be 0 (no cap) or positive");
        }
        var maxWindow = policy.MaxGrantWindow?.ToTimeSpan() ?? current?.MaxGrantWindow ?? TimeSpan.Zero;
        if (maxWindow < TimeSpan.Zero)
        {
            throw ServiceException.InvalidArgument("policy.max_grant_window", "max_grant_window must not be negative");
        }
        var ttl = policy.RequestTtl?.ToTimeSpan() ?? current?.RequestTtl ?? settings.DefaultRequestTtl;
        if (ttl <= TimeSpan.Zero)
        {
            throw ServiceException.InvalidArgument("policy.request_ttl", "request_ttl must be positive");
        }
        var record = new PolicyRecord(signer.Id, approvers, required, maxSignatures, maxWindow, ttl,
            policy.HasAllowSelfPreapproval ? policy.AllowSelfPreapproval : current?.AllowSelfPreapproval);
        PolicySatisfiability.Require(session, signer, record);
        session.SetPolicy(record);
        if (current is not null)
        {
            CancelPending(session, caller, signer, "policy changed", scope);
        }
        scope.Details["approvers"] = string.Join(",", approvers.Select(a => a.Name));
        scope.Details["approvals_required"] = record.ApprovalsRequired.ToString(System.Globalization.CultureInfo.InvariantCulture);
        scope.Details["max_signatures_per_grant"] = record.MaxSignaturesPerGrant.ToString(System.Globalization.CultureInfo.InvariantCulture);
        scope.Details["max_grant_window"] = record.MaxGrantWindow.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
        scope.Details["allow_self_preapproval"] = record.AllowsSelfPreapproval ? "true" : "false";
        return record;
    });

    public void ClearPolicy(Caller caller, string signerRef) => operations.Change(caller, AuditEventTypes.PolicyCleared, (session, scope) =>
    {
        var (signer, _) = SignerAccess.Require(session, caller, signerRef, Capability.Manage, "edit the approval policy", scope);
        if (!session.DeletePolicy(signer.Id))
        {
            throw ServiceException.NotFound($"an approval policy for Signer '{signer.Name}'");
        }
        CancelPending(session, caller, signer, "policy cleared", scope);
        return true;
    });

    /// <summary>
    /// Pending requests were made, and partly approved, under the policy being replaced or cleared:
    /// each is cancelled and audited, and its requester asks again under the policy in force.
    /// </summary>
    private void CancelPending(IStoreSession session, Caller caller, SignerRecord signer, string why, OperationScope scope)
    {
        var cancelled = 0;
        foreach (var request in session.ListSigningRequests([signer.Id]).Select(r => Refresh(session, caller, r)).Where(r => r.State == SigningRequestState.Pending))
        {
            session.UpdateSigningRequest(request.Id, SigningRequestState.Cancelled, null);
            var entry = Operations.Entry(caller, AuditEventTypes.RequestCancelled, AuditOutcome.Success, new OperationScope(caller.Client) { Signer = signer });
            entry.Details["request_id"] = request.Id;
            entry.Details["reason"] = why;
            audit.Append(session, entry);
            cancelled++;
        }
        scope.Details["requests_cancelled"] = cancelled.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public SigningRequestView CreateRequest(Caller caller, CreateSigningRequestRequest request) => operations.Change(caller, AuditEventTypes.RequestCreated, (session, scope) =>
    {
        var (signer, _) = SignerAccess.Require(session, caller, request.Signer, Capability.Sign, "submit signing requests", scope);
        var policy = session.GetPolicy(signer.Id)
            ?? throw ServiceException.Conflict($"Signer '{signer.Name}' has no approval policy: members who may sign sign at once");
        var (count, window) = Grants.CheckSize(policy, request.SignatureCount, request.Window, "signature_count", "window");
        var now = clock.GetUtcNow();
        var record = new SigningRequestRecord(Guid.CreateVersion7().ToString("N"), signer.Id, caller.Principal, request.Justification, count, window,
            SigningRequestState.Pending, now, now + policy.RequestTtl, null);
        session.InsertSigningRequest(record);
        scope.Details["request_id"] = record.Id;
        scope.Details["signature_count"] = count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // Named in the event so that a notification tells them at once.
        scope.Details["approvers"] = string.Join(",", policy.Approvers.Select(a => a.Name));
        scope.Details["approvals_required"] = policy.ApprovalsRequired.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return View(session, record, signer.Name);
    });

    public IReadOnlyList<SigningRequestView> ListRequests(Caller caller, string signerRef, IReadOnlyCollection<SigningRequestState> states) =>
        operations.Read(caller, AuditEventTypes.RequestList, (session, scope) =>
        {
            // Approvers named by a policy follow its requests even when they are not members.
            IReadOnlyList<SignerRecord> signers = signerRef.Length > 0
                ? [ApproverOrViewer(session, caller, signerRef, scope)]
                : session.ListSigners().Where(s => SignerAccess.EffectiveRole(session, caller.Principal, s.Id) != Role.Unspecified || IsApprover(session, caller, s.Id)).ToList();
            var names = signers.ToDictionary(s => s.Id, s => s.Name);
            return session.ListSigningRequests(names.Keys)
                .Select(r => Refresh(session, caller, r))
                .Where(r => states.Count == 0 || states.Contains(r.State))
                .Select(r => View(session, r, names[r.SignerId]))
                .ToList();
        });

    /// <summary>
    /// The pending requests the caller may decide now (the web console's inbox): it is one of their
    /// Signer's approvers, did not file them, and has not decided them yet.
    /// </summary>
    public IReadOnlyList<SigningRequestView> ListDecidable(Caller caller) => operations.Read(caller, AuditEventTypes.RequestList, (session, _) =>
    {
        var names = session.ListSigners().Where(s => IsApprover(session, caller, s.Id)).ToDictionary(s => s.Id, s => s.Name);
        return session.ListSigningRequests(names.Keys)
            .Select(r => Refresh(session, caller, r))
            .Where(r => r.State == SigningRequestState.Pending && r.Requester.Id != caller.Principal.Id)
            .Select(r => View(session, r, names[r.SignerId]))
            .Where(v => v.Decisions.All(d => d.Approver.Id != caller.Principal.Id))
            .ToList();
    });

    public SigningRequestView GetRequest(Caller caller, string requestId) => operations.Read(caller, AuditEventTypes.RequestRead, (session, scope) =>
    {
        var (request, signer) = FindVisibleRequest(session, caller, requestId, scope);
        return View(session, Refresh(session, caller, request), signer.Name);
    });

    public SigningRequestView Decide(Caller caller, string requestId, bool approve, string comment) =>
        operations.Change(caller, approve ? AuditEventTypes.RequestApproved : AuditEventTypes.RequestDenied, (session, scope) =>
        {
            var request = session.FindSigningRequest(requestId) ?? throw ServiceException.NotFound($"signing request '{requestId}'");
            var signer = session.FindSigner(request.SignerId)!;
            scope.Signer = signer;
            scope.Details["request_id"] = request.Id;
            if (!IsApprover(session, caller, signer.Id))
            {
                // Someone with no business on that Signer learns nothing, not even that the request exists.
                throw SignerAccess.IsVisible(session, caller, signer.Id)
                    ? new ServiceException(StatusCode.PermissionDenied, ErrorReason.NotAnApprover, $"you are not an approver of Signer '{signer.Name}'")
                    : SignerAccess.Hidden(ServiceException.NotFound($"signing request '{requestId}'"), ErrorReason.NotAnApprover);
            }
            SignerAccess.RequireInService(signer);
            if (request.Requester.Id == caller.Principal.Id)
            {
                throw new ServiceException(StatusCode.PermissionDenied, ErrorReason.SelfApprovalForbidden, "you may not decide your own signing request");
            }
            request = RequirePending(session, caller, request);
            var decisions = session.ListDecisions(request.Id);
            if (decisions.Any(d => d.Approver.Id == caller.Principal.Id))
            {
                throw ServiceException.Conflict("you have already decided this request");
            }
            var now = clock.GetUtcNow();
            session.InsertDecision(new DecisionRecord(request.Id, caller.Principal, approve, comment, now));
            var policy = session.GetPolicy(signer.Id);
            var approvals = decisions.Count(d => d.Approved) + (approve ? 1 : 0);
            scope.Details["approvals"] = approvals.ToString(System.Globalization.CultureInfo.InvariantCulture);
            scope.Details["approvals_required"] = (policy?.ApprovalsRequired ?? 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!approve)
            {
                request = request with { State = SigningRequestState.Denied };
            }
            else if (policy is null || approvals >= policy.ApprovalsRequired)
            {
                var grant = Grants.Create(session, signer.Id, request.Requester, request.SignatureCount, now, request.Window, request.Id, caller.Principal);
                request = request with { State = SigningRequestState.Approved, GrantId = grant.Id };
                scope.Details["grant_id"] = grant.Id;
            }
            session.UpdateSigningRequest(request.Id, request.State, request.GrantId);
            scope.Details["state"] = ProtoNames.Of(request.State);
            return View(session, request, signer.Name);
        });

    public SigningRequestView Cancel(Caller caller, string requestId) => operations.Change(caller, AuditEventTypes.RequestCancelled, (session, scope) =>
    {
        var (request, signer) = FindVisibleRequest(session, caller, requestId, scope);
        if (request.Requester.Id != caller.Principal.Id)
        {
            throw new ServiceException(StatusCode.PermissionDenied, ErrorReason.RoleForbids, "only the requester may cancel a signing request");
        }
        request = RequirePending(session, caller, request) with { State = SigningRequestState.Cancelled };
        session.UpdateSigningRequest(request.Id, request.State, null);
        return View(session, request, signer.Name);
    });

    public GrantRecord CreateGrant(Caller caller, CreateGrantRequest request) => operations.Change(caller, AuditEventTypes.GrantCreated, (session, scope) =>
    {
        var (signer, _) = SignerAccess.Require(session, caller, request.Signer, Capability.PreApprove, "pre-approve signing", scope);
        var grantee = PrincipalResolver.Resolve(session, request.Grantee, "grantee", joining: true);
        if (grantee.Kind == PrincipalKind.Group)
        {
            throw ServiceException.InvalidArgument("grantee", "a grant is for one user or service account, not a group");
        }
        var policy = session.GetPolicy(signer.Id);
        scope.Details["grantee"] = grantee.Name;
        if (grantee.Id == caller.Principal.Id && policy is { AllowsSelfPreapproval: false })
        {
            throw new ServiceException(StatusCode.PermissionDenied, ErrorReason.SelfPreapprovalForbidden,
                $"the approval policy of Signer '{signer.Name}' forbids pre-approving yourself: submit a signing request (csign request create) for another approver",
                new Dictionary<string, string> { ["signer_id"] = signer.Id });
        }
        var (count, window) = Grants.CheckSize(policy, request.SignaturesAllowed, request.Window, "signatures_allowed", "window");
        var grant = Grants.Create(session, signer.Id, grantee, count, clock.GetUtcNow(), window, null, caller.Principal);
        scope.Details["grant_id"] = grant.Id;
        scope.Details["signatures_allowed"] = count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (request.Justification.Length > 0)
        {
            scope.Details["justification"] = request.Justification;
        }
        return grant;
    });

    public IReadOnlyList<GrantRecord> ListGrants(Caller caller, string signerRef, bool includeSpent) => operations.Read(caller, AuditEventTypes.GrantList, (session, scope) =>
    {
        var (signer, _) = SignerAccess.Require(session, caller, signerRef, Capability.View, "view grants", scope);
        var now = clock.GetUtcNow();
        var policy = session.GetPolicy(signer.Id);
        return session.ListGrants(signer.Id).Where(g => includeSpent || Grants.IsLive(g, policy, now)).ToList();
    });

    public GrantRecord RevokeGrant(Caller caller, string grantId) => operations.Change(caller, AuditEventTypes.GrantRevoked, (session, scope) =>
    {
        var grant = session.FindGrant(grantId) ?? throw ServiceException.NotFound($"grant '{grantId}'");
        if (!SignerAccess.IsVisible(session, caller, grant.SignerId))
        {
            scope.Signer = session.FindSigner(grant.SignerId);
            throw SignerAccess.Hidden(ServiceException.NotFound($"grant '{grantId}'"));
        }
        SignerAccess.Require(session, caller, grant.SignerId, Capability.Manage, "revoke grants", scope);
        scope.Details["grant_id"] = grant.Id;
        return Grants.Revoke(session, grant);
    });

    /// <summary>With its decisions and its progress; without a policy (cleared since) one approval decides.</summary>
    private static SigningRequestView View(IStoreSession session, SigningRequestRecord request, string signerName) =>
        new(request, signerName, session.ListDecisions(request.Id), session.GetPolicy(request.SignerId)?.ApprovalsRequired ?? 1);

    private static SignerRecord ApproverOrViewer(IStoreSession session, Caller caller, string signerRef, OperationScope scope)
    {
        var signer = scope.Signer = SignerAccess.Find(session, signerRef);
        return IsApprover(session, caller, signer.Id)
            ? signer
            : SignerAccess.Require(session, caller, signer.Id, Capability.View, "view signing requests", scope).Signer;
    }

    private (SigningRequestRecord Request, SignerRecord Signer) FindVisibleRequest(IStoreSession session, Caller caller, string requestId, OperationScope scope)
    {
        var request = session.FindSigningRequest(requestId) ?? throw ServiceException.NotFound($"signing request '{requestId}'");
        scope.Details["request_id"] = request.Id;
        if (request.Requester.Id == caller.Principal.Id || IsApprover(session, caller, request.SignerId))
        {
            scope.Signer = session.FindSigner(request.SignerId)!;
            return (request, scope.Signer);
        }
        if (!SignerAccess.IsVisible(session, caller, request.SignerId))
        {
            scope.Signer = session.FindSigner(request.SignerId);
            throw SignerAccess.Hidden(ServiceException.NotFound($"signing request '{requestId}'"));
        }
        return (request, SignerAccess.Require(session, caller, request.SignerId, Capability.View, "view signing requests", scope).Signer);
    }

    private SigningRequestRecord RequirePending(IStoreSession session, Caller caller, SigningRequestRecord request)
    {
        request = Refresh(session, caller, request);
        return request.State == SigningRequestState.Pending
            ? request
            : throw new ServiceException(StatusCode.FailedPrecondition, ErrorReason.RequestNotPending,
                $"signing request {request.Id} is {ProtoNames.Of(request.State)}, no longer pending",
                new Dictionary<string, string> { ["request_id"] = request.Id });
    }

    /// <summary>Requests expire lazily: the first call that looks at an overdue one records its expiry.</summary>
    private SigningRequestRecord Refresh(IStoreSession session, Caller caller, SigningRequestRecord request)
    {
        if (request.State != SigningRequestState.Pending || clock.GetUtcNow() < request.ExpiresAt)
        {
            return request;
        }
        session.UpdateSigningRequest(request.Id, SigningRequestState.Expired, null);
        var entry = new AuditEntry(AuditEventTypes.RequestExpired, AuditOutcome.Success, null, AuditClient.None, caller.RemoteAddress)
        {
            SignerId = request.SignerId,
            SignerName = session.FindSigner(request.SignerId)?.Name ?? "",
        };
        entry.Details["request_id"] = request.Id;
        audit.Append(session, entry);
        return request with { State = SigningRequestState.Expired };
    }

    private static bool IsApprover(IStoreSession session, Caller caller, string signerId)
    {
        var policy = session.GetPolicy(signerId);
        if (policy is null)
        {
            return false;
        }
        var identities = SignerAccess.IdentitiesOf(session, caller.Principal);
        return policy.Approvers.Any(a => identities.Contains(a.Id));
    }
}
