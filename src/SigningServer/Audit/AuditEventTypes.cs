using CodeSigning.V1;

namespace CodeSigning.Server.Audit;

/// <summary>
/// Every type of event the server writes, each once: docs/api.md ("Audit event types") lists the same
/// catalogue, and a test keeps the two equal. The names never change: stored logs, csign filters
/// and webhook subscriptions use them. Each entry: name, outcomes, the keys its details may hold, and when
/// it is written. A read's type is written only when the read is refused; a refused change's event
/// holds the details known when it was refused.
/// </summary>
public static class AuditEventTypes
{
    private static readonly AuditOutcome[] Success = [AuditOutcome.Success];
    private static readonly AuditOutcome[] Denied = [AuditOutcome.Denied];
    private static readonly AuditOutcome[] Failed = [AuditOutcome.Failed];
    // A change: its success, or its refusal (denied by policy, failed on the server's side).
    private static readonly AuditOutcome[] Change = [AuditOutcome.Success, AuditOutcome.Denied, AuditOutcome.Failed];
    // A read: nothing on success, its refusal otherwise.
    private static readonly AuditOutcome[] Refusal = [AuditOutcome.Denied, AuditOutcome.Failed];

    // Authentication
    public static readonly AuditEventType AuthFailed = new("auth.failed", Denied, ["credential_id", "claimed_client_id"],
        "A credential (API key, access token, service-account assertion) is refused.");
    public static readonly AuditEventType AuthRateLimited = new("auth.rate_limited", Denied, ["failures_per_minute", "limited_by", "credential_id"],
        "An address or credential first goes over the authentication failures allowed per minute.");
    public static readonly AuditEventType TokenIssued = new("token.issued", Success, ["access_token_id", "key_id", "jti"],
        "A service account exchanged a signed assertion for an access token.");
    public static readonly AuditEventType RequestInvalid = new("request.invalid", Denied, ["method", "field", "length", "limit"],
        "A call is refused because a field is longer than its limit.");

    // Users, API keys, service accounts
    public static readonly AuditEventType IdentityRead = new("identity.read", Refusal, [],
        "Reading the caller's own identity is refused.");
    public static readonly AuditEventType UserCreated = new("user.created", Change, ["user", "product_admin"],
        "A Product Admin creates a user.");
    public static readonly AuditEventType UserList = new("user.list", Refusal, [],
        "Listing users is refused.");
    public static readonly AuditEventType UserRead = new("user.read", Refusal, [],
        "Reading a user is refused.");
    public static readonly AuditEventType UserProductAdminGranted = new("user.product_admin_granted", Change, ["user"],
        "A user is made Product Admin.");
    public static readonly AuditEventType UserProductAdminRevoked = new("user.product_admin_revoked", Change, ["user"],
        "A user stops being Product Admin.");
    public static readonly AuditEventType UserEnabled = new("user.enabled", Change, ["user"],
        "A user is enabled.");
    public static readonly AuditEventType UserDisabled = new("user.disabled", Change, ["user", "also_revoked_api_key_ids"],
        "A user is disabled; their API keys are revoked.");
    public static readonly AuditEventType UserArchived = new("user.archived", Change, ["user", "also_revoked_api_key_ids"],
        "A user is archived for good; their API keys are revoked.");
    public static readonly AuditEventType ApiKeyCreated = new("apikey.created", Change, ["api_key_id", "user", "created_by_api_key_id", "clamped_to_expiry_of"],
        "An API key is created (also by `init` for the first Product Admin).");
    public static readonly AuditEventType ApiKeyList = new("apikey.list", Refusal, [],
        "Listing API keys is refused.");
    public static readonly AuditEventType ApiKeyRevoked = new("apikey.revoked", Change, ["api_key_id", "also_revoked_api_key_ids"],
        "An API key is revoked, with the keys created with it.");
    public static readonly AuditEventType ApiKeyRevokedAll = new("apikey.revoked_all", Change, ["user", "revoked_count", "revoked_api_key_ids"],
        "Every API key of a user is revoked.");
    public static readonly AuditEventType ServiceAccountCreated = new("service_account.created", Change, ["service_account"],
        "A service account is created.");
    public static readonly AuditEventType ServiceAccountList = new("service_account.list", Refusal, [],
        "Listing service accounts is refused.");
    public static readonly AuditEventType ServiceAccountRead = new("service_account.read", Refusal, [],
        "Reading a service account is refused.");
    public static readonly AuditEventType ServiceAccountEnabled = new("service_account.enabled", Change, ["service_account"],
        "A service account is enabled.");
    public static readonly AuditEventType ServiceAccountDisabled = new("service_account.disabled", Change, ["service_account", "access_tokens_revoked"],
        "A service account is disabled; its access tokens are revoked.");
    public static readonly AuditEventType ServiceAccountArchived = new("service_account.archived", Change, ["service_account", "access_tokens_revoked"],
        "A service account is archived for good; its access tokens are revoked.");
    public static readonly AuditEventType ServiceAccountKeyAdded = new("service_account.key_added", Change, ["service_account", "key_id", "fingerprint"],
        "A public key is registered for a service account.");
    public static readonly AuditEventType ServiceAccountKeyRemoved = new("service_account.key_removed", Change, ["service_account", "key_id", "access_tokens_revoked"],
        "A service account's public key is removed; the tokens it obtained are revoked.");

    // Members and groups
    public static readonly AuditEventType MemberList = new("member.list", Refusal, [],
        "Listing a Signer's members is refused.");
    public static readonly AuditEventType MemberSet = new("member.set", Change, ["principal_kind", "principal", "role"],
        "A principal is given a role on a Signer.");
    public static readonly AuditEventType MemberRemoved = new("member.removed", Change, ["principal_kind", "principal"],
        "A principal's role on a Signer is removed.");
    public static readonly AuditEventType GroupCreated = new("group.created", Change, ["group"],
        "A group is created.");
    public static readonly AuditEventType GroupDeleted = new("group.deleted", Change, ["group"],
        "A group is deleted, with its memberships.");
    public static readonly AuditEventType GroupList = new("group.list", Refusal, [],
        "Listing groups is refused.");
    public static readonly AuditEventType GroupRead = new("group.read", Refusal, [],
        "Reading a group is refused.");
    public static readonly AuditEventType GroupMemberAdded = new("group.member_added", Change, ["group", "principal_kind", "principal"],
        "A user or service account joins a group.");
    public static readonly AuditEventType GroupMemberRemoved = new("group.member_removed", Change, ["group", "principal_kind", "principal"],
        "A user or service account leaves a group.");

    // Signers and certificates
    public static readonly AuditEventType SignerCreated = new("signer.created", Change, ["key_vault", "key_algorithm", "certificate_authority", "key_origin", "member.<PRINCIPAL_KIND>.<name>"],
        "A Signer is created, with its key and first members.");
    public static readonly AuditEventType SignerList = new("signer.list", Refusal, [],
        "Listing Signers is refused.");
    public static readonly AuditEventType SignerRead = new("signer.read", Refusal, [],
        "Reading a Signer is refused.");
    public static readonly AuditEventType SignerEnabled = new("signer.enabled", Change, [],
        "A Signer is enabled for signing.");
    public static readonly AuditEventType SignerDisabled = new("signer.disabled", Change, [],
        "A Signer is disabled for signing.");
    public static readonly AuditEventType SignerArchived = new("signer.archived", Change, [],
        "A Signer is archived for good.");
    public static readonly AuditEventType CertificateExported = new("certificate.exported", Change, [],
        "A Signer's certificate chain is exported.");
    public static readonly AuditEventType CertificateCsrRead = new("certificate.csr_read", Refusal, [],
        "Reading a Signer's outstanding certificate request is refused.");
    public static readonly AuditEventType CertificateImported = new("certificate.imported", Change, ["certificate_sha256"],
        "The external CA's certificate for a Signer's request is imported.");
    public static readonly AuditEventType CertificateRenewed = new("certificate.renewed", Change, ["new_key", "previous_public_key_sha256", "public_key_sha256"],
        "A Signer gets a new certificate, with a new key when asked.");

    // Approvals
    public static readonly AuditEventType PolicyRead = new("policy.read", Refusal, [],
        "Reading an approval policy is refused.");
    public static readonly AuditEventType PolicySet = new("policy.set", Change, ["approvers", "approvals_required", "max_signatures_per_grant", "max_grant_window", "allow_self_preapproval", "requests_cancelled"],
        "An approval policy is created or edited; pending requests made under the old one are cancelled.");
    public static readonly AuditEventType PolicyCleared = new("policy.cleared", Change, ["requests_cancelled"],
        "An approval policy is removed; its pending requests are cancelled.");
    public static readonly AuditEventType RequestCreated = new("request.created", Change, ["request_id", "signature_count", "approvers", "approvals_required"],
        "A signing request is submitted.");
    public static readonly AuditEventType RequestList = new("request.list", Refusal, [],
        "Listing signing requests is refused.");
    public static readonly AuditEventType RequestRead = new("request.read", Refusal, [],
        "Reading a signing request is refused.");
    public static readonly AuditEventType RequestApproved = new("request.approved", Change, ["request_id", "approvals", "approvals_required", "state", "grant_id"],
        "An approver approves a request; the last approval needed makes its grant.");
    public static readonly AuditEventType RequestDenied = new("request.denied", Change, ["request_id", "approvals", "approvals_required", "state"],
        "An approver denies a request.");
    public static readonly AuditEventType RequestCancelled = new("request.cancelled", Change, ["request_id", "reason"],
        "The requester cancels a request, or a policy change cancels it.");
    public static readonly AuditEventType RequestExpired = new("request.expired", Success, ["request_id"],
        "The first call that looks at a pending request past its deadline records its expiry.");
    public static readonly AuditEventType GrantCreated = new("grant.created", Change, ["grantee", "grant_id", "signatures_allowed", "justification"],
        "A pre-approval (grant) is made.");
    public static readonly AuditEventType GrantList = new("grant.list", Refusal, [],
        "Listing grants is refused.");
    public static readonly AuditEventType GrantRevoked = new("grant.revoked", Change, ["grant_id"],
        "A grant is revoked.");

    // Signatures
    public static readonly AuditEventType SignatureCreated = new("signature.created", Success, ["scheme", "digest_algorithm", "digest_hex", "digest_length", "grant_id"],
        "A signature is made and returned.");
    public static readonly AuditEventType SignatureDenied = new("signature.denied", Denied, ["scheme", "digest_algorithm", "digest_hex", "digest_length"],
        "A signature is refused by policy (membership, role, Signer state, approval, algorithm).");
    public static readonly AuditEventType SignatureFailed = new("signature.failed", Failed, ["scheme", "digest_algorithm", "digest_hex", "digest_length"],
        "A signature fails on the server's side (key operation, recording); nothing is returned.");

    // Audit log
    public static readonly AuditEventType AuditRead = new("audit.read", Refusal, [],
        "Querying the audit log is refused.");
    public static readonly AuditEventType AuditVerified = new("audit.verified", Change, ["valid"],
        "The audit chain is verified.");
    public static readonly AuditEventType AuditCheckpointed = new("audit.checkpointed", Change, ["checkpoint_sequence"],
        "A signed checkpoint of the chain is requested.");

    // Webhooks
    public static readonly AuditEventType WebhookCreated = new("webhook.created", Change, ["url_origin", "webhook_id", "event_types"],
        "A webhook is registered.");
    public static readonly AuditEventType WebhookList = new("webhook.list", Refusal, [],
        "Listing webhooks is refused.");
    public static readonly AuditEventType WebhookDeleted = new("webhook.deleted", Change, ["webhook_id"],
        "A webhook is deleted, with its deliveries.");
    public static readonly AuditEventType WebhookDeliveriesRead = new("webhook.deliveries_read", Refusal, [],
        "Listing a webhook's deliveries is refused.");
    public static readonly AuditEventType WebhookDelivered = new("webhook.delivered", Success, ["webhook_id", "delivery_id", "event_id", "event_type", "attempt", "status_code"],
        "A receiver accepted a delivery (2xx).");
    public static readonly AuditEventType WebhookRetrying = new("webhook.retrying", Failed, ["webhook_id", "delivery_id", "event_id", "event_type", "attempt", "status_code"],
        "A delivery attempt failed; it will be retried.");
    public static readonly AuditEventType WebhookFailed = new("webhook.failed", Failed, ["webhook_id", "delivery_id", "event_id", "event_type", "attempt", "status_code"],
        "A delivery's last attempt failed; it is abandoned.");

    // Timestamp authority
    public static readonly AuditEventType TimestampIssued = new("timestamp.issued", Success, ["count", "first_serial", "last_serial", "rejected", "rejected_not_recorded", "rate_limited", "since"],
        "Once per interval in which the authority answered anything: a summary of it.");
    public static readonly AuditEventType TimestampRejected = new("timestamp.rejected", [AuditOutcome.Denied, AuditOutcome.Failed], ["message"],
        "A timestamp request is rejected (the first ones of each interval).");
    public static readonly AuditEventType TimestampCertificateIssued = new("timestamp.certificate_issued", Success, ["serial_number", "key_vault", "not_after"],
        "The authority gets a new key and certificate (first start, `tsa-rotate`).");

    // Server commands
    public static readonly AuditEventType ServerInitialized = new("server.initialized", Success, ["key_vault", "kek_id"],
        "`codesign-server init` creates the server.");
    public static readonly AuditEventType AdminRecovered = new("admin.recovered", Success, ["user", "api_key_id", "user_created"],
        "`codesign-server recover-admin` gives a user a new Product Admin API key.");
    public static readonly AuditEventType VaultRekeyed = new("vault.rekeyed", Success, ["kek_id", "retired_kek_ids", "rewrapped_keys"],
        "`codesign-server rekey` rewraps the keys under a new key-encryption key.");

    /// <summary>The whole catalogue.</summary>
    public static IReadOnlyList<AuditEventType> All { get; } = typeof(AuditEventTypes).GetFields()
        .Where(f => f.FieldType == typeof(AuditEventType)).Select(f => (AuditEventType)f.GetValue(null)!).ToList();
}
