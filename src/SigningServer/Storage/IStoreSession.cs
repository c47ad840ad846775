using CodeSigning.V1;

namespace CodeSigning.Server.Storage;

/// <summary>One transaction. Disposing without <see cref="Commit"/> rolls everything back.</summary>
/// <remarks>Lookups named <c>Find</c> take an id or a unique name and return null when nothing matches.</remarks>
public interface IStoreSession : IDisposable
{
    void Commit();

    byte[]? GetSetting(string key);
    void SetSetting(string key, byte[] value);

    /// <summary>Adds <paramref name="amount"/> to a counter of the counters table; returns its new value.</summary>
    /// <exception cref="InvalidOperationException">No counter of that name exists (a migration creates each).</exception>
    long AddToCounter(string name, long amount);

    /// <summary>
    /// The authorization version: a counter that every committed transaction writing anything
    /// authentication or authorization reads (users, keys, tokens, service accounts, groups, Signers,
    /// members, policies, grants issued or revoked) moves on, once, at its commit. Equal versions
    /// mean equal answers, on every replica of the database: what the caches of the request path rely on.
    /// </summary>
    long AuthorizationVersion();

    void InsertUser(UserRecord user);
    UserRecord? FindUser(string idOrName);
    IReadOnlyList<UserRecord> ListUsers();
    void UpdateUser(UserRecord user);

    void InsertApiKey(ApiKeyRecord key);
    ApiKeyRecord? FindApiKey(string id);
    IReadOnlyList<ApiKeyRecord> ListApiKeys(string userId);
    /// <summary>Revokes the key and every key created with it, transitively; returns the ids newly revoked.</summary>
    IReadOnlyList<string> RevokeApiKey(string id);
    /// <summary>Revokes every key of the user and every key created with them, transitively; returns the ids newly revoked.</summary>
    IReadOnlyList<string> RevokeApiKeysOfUser(string userId);
    void TouchApiKey(string id, DateTimeOffset usedAt);

    void InsertServiceAccount(ServiceAccountRecord account);
    ServiceAccountRecord? FindServiceAccount(string idOrName);
    ServiceAccountRecord? FindServiceAccountByClientId(string clientId);
    IReadOnlyList<ServiceAccountRecord> ListServiceAccounts();
    void SetServiceAccountEnabled(string id, bool enabled);
    /// <summary>Disables the account for good.</summary>
    void ArchiveServiceAccount(string id, DateTimeOffset archivedAt);
    void InsertServiceAccountKey(ServiceAccountKeyRecord key);
    IReadOnlyList<ServiceAccountKeyRecord> ListServiceAccountKeys(string serviceAccountId);
    bool DeleteServiceAccountKey(string serviceAccountId, string keyId);
    void InsertAccessToken(AccessTokenRecord token);
    AccessTokenRecord? FindAccessToken(string id);
    /// <summary>Revokes the live tokens of the account, or only those obtained with <paramref name="keyId"/>; returns how many.</summary>
    int RevokeAccessTokens(string serviceAccountId, string? keyId);
    /// <summary>Records an assertion's jti, kept until <paramref name="keepUntil"/>; false when it is already recorded.</summary>
    bool TryRecordAssertionId(string clientId, string jti, DateTimeOffset keepUntil, DateTimeOffset now);

    void InsertGroup(GroupRecord group);
    GroupRecord? FindGroup(string idOrName);
    IReadOnlyList<GroupRecord> ListGroups();
    /// <summary>Deletes the group, its memberships and its Signer memberships.</summary>
    void DeleteGroup(string id);
    bool AddGroupMember(string groupId, Principal member);
    bool RemoveGroupMember(string groupId, string memberId);
    IReadOnlyList<Principal> ListGroupMembers(string groupId);
    IReadOnlyList<GroupRecord> ListGroupsOf(string memberId);

    void InsertSigner(SignerRecord signer);
    SignerRecord? FindSigner(string idOrName);
    /// <summary>The Signer without its certificate chain (<see cref="SignerRecord.Chain"/> empty), and whether it has one: all that signing needs.</summary>
    (SignerRecord Signer, bool HasChain)? FindSignerWithoutChain(string idOrName);
    IReadOnlyList<SignerRecord> ListSigners();
    void UpdateSigner(SignerRecord signer);
    /// <summary>Keeps a rotated-out key's chain, so that what it signed stays verifiable.</summary>
    void RetireCertificates(string signerId, IReadOnlyList<byte[]> chain, DateTimeOffset retiredAt);
    /// <summary>The leaf certificates of rotated-out keys, newest first.</summary>
    IReadOnlyList<byte[]> ListRetiredCertificates(string signerId);
    /// <summary>Replaces the sealed key reference only (key-encryption key rotation); the key itself is unchanged.</summary>
    void UpdateKeyReference(string signerId, byte[] keyReference);

    void SetMember(MemberRecord member);
    bool RemoveMember(string signerId, string principalId);
    IReadOnlyList<MemberRecord> ListMembers(string signerId);
    /// <summary>Every Signer membership held by one of these principals (a user or service account and its groups).</summary>
    IReadOnlyList<MemberRecord> ListMemberships(IReadOnlyCollection<string> principalIds);

    PolicyRecord? GetPolicy(string signerId);
    void SetPolicy(PolicyRecord policy);
    bool DeletePolicy(string signerId);

    void InsertSigningRequest(SigningRequestRecord request);
    SigningRequestRecord? FindSigningRequest(string id);
    IReadOnlyList<SigningRequestRecord> ListSigningRequests(IReadOnlyCollection<string> signerIds);
    /// <summary>How many signing requests are in each state at <paramref name="now"/>, a pending one past its deadline counted as expired.</summary>
    IReadOnlyDictionary<SigningRequestState, long> CountSigningRequests(DateTimeOffset now);
    void UpdateSigningRequest(string id, SigningRequestState state, string? grantId);
    void InsertDecision(DecisionRecord decision);
    IReadOnlyList<DecisionRecord> ListDecisions(string requestId);

    void InsertGrant(GrantRecord grant);
    GrantRecord? FindGrant(string id);
    IReadOnlyList<GrantRecord> ListGrants(string signerId);
    /// <summary>
    /// Takes one unit of the grant in a single conditional row update: only while it is not revoked,
    /// has used fewer than its allowance and <paramref name="usableUnits"/>, and <paramref name="now"/>
    /// lies from its not-before up to its not-after and <paramref name="deadline"/>. False, and nothing
    /// changed, otherwise; atomic on its own, without the write lock.
    /// </summary>
    bool TryConsumeGrant(string id, long usableUnits, DateTimeOffset now, DateTimeOffset deadline);
    void RevokeGrant(string id);

    void InsertWebhook(WebhookRecord webhook);
    WebhookRecord? FindWebhook(string id);
    IReadOnlyList<WebhookRecord> ListWebhooks();
    /// <summary>Deletes the webhook and all its deliveries.</summary>
    bool DeleteWebhook(string id);
    void InsertWebhookDelivery(WebhookDeliveryRecord delivery);
    /// <summary>Whether a pending delivery is due and not leased: lets an idle worker skip the write lock.</summary>
    bool HasDueWebhookDeliveries(DateTimeOffset now);
    /// <summary>
    /// Leases up to <paramref name="limit"/> due, unleased pending deliveries to <paramref name="owner"/>
    /// until <paramref name="leaseUntil"/>; another replica claims them only once the lease has run out.
    /// </summary>
    IReadOnlyList<WebhookDeliveryRecord> ClaimWebhookDeliveries(string owner, DateTimeOffset now, DateTimeOffset leaseUntil, int limit);
    /// <summary>Records an attempt's outcome and releases the lease; false when the lease was lost meanwhile (nothing changed).</summary>
    bool FinishWebhookDeliveryAttempt(WebhookDeliveryRecord delivery, string owner);
    /// <summary>Newest first.</summary>
    IReadOnlyList<WebhookDeliveryRecord> ListWebhookDeliveries(string? webhookId, IReadOnlyCollection<WebhookDeliveryState> states, int limit);

    /// <summary>The event with the highest sequence number.</summary>
    AuditRecord? LastAuditEvent();
    /// <summary>
    /// Takes <paramref name="chain"/>'s append lock until the transaction ends and returns its newest
    /// event (null for a new chain); appends to one chain are serialized, appends to others are not.
    /// </summary>
    AuditRecord? LockAuditChain(string chain);
    /// <summary>The next server-wide sequence number; call it holding the chain's lock, so a chain's numbers rise.</summary>
    long NextAuditSequence();
    void InsertAuditEvent(AuditRecord record);
    IReadOnlyList<AuditRecord> QueryAuditEvents(AuditQuery query);
    /// <summary>Every chain that may hold events: the server-wide one ("") and one per Signer.</summary>
    IReadOnlyList<string> ListAuditChains();
    /// <summary>The chain's events after position <paramref name="afterChainSequence"/>, in chain order.</summary>
    IReadOnlyList<AuditRecord> ReadAuditChain(string chain, long afterChainSequence, int limit);
    /// <summary>The chain's newest event whose sequence number is at most <paramref name="sequence"/>.</summary>
    AuditRecord? AuditChainHead(string chain, long sequence);
    long CountAuditEvents();
    /// <summary>
    /// The highest sequence number up to which no number is missing after <paramref name="after"/>,
    /// and the lowest number present beyond the first missing one (null when none is missing).
    /// </summary>
    (long Contiguous, long? NextPresent) AuditSequenceGap(long after);
}
