using System.Collections.Concurrent;
using System.Data.Common;
using System.Text.Json;
using System.Text.RegularExpressions;
using CodeSigning.V1;

namespace CodeSigning.Server.Storage;

/// <summary>
/// One transaction of either store. The SQL is the subset SQLite and PostgreSQL share (<c>@name</c>
/// parameters, TRUE/FALSE, ON CONFLICT), so both stores keep exactly the same semantics.
/// Statements run through the connection's cached commands (<see cref="StoreConnection"/>).
/// </summary>
/// <param name="appendOnly">A <see cref="IStore.BeginAppend"/> transaction: it may lock one audit chain only.</param>
internal sealed partial class SqlStoreSession(StoreConnection connection, DbTransaction transaction, StoreDialect dialect, bool appendOnly = false) : IStoreSession
{
    private const string AuthorizationVersionCounter = "authorization_version";
    private const string AuthorizationVersionSql = "SELECT value FROM counters WHERE name = @name";

    // What authentication and authorization read. A statement writing one of them marks the
    // transaction, which moves the authorization version once at commit: decided here from the SQL
    // itself, so a new write method cannot forget it. The two writes that change nothing cached
    // (a key's last use, a grant unit consumed) say so with ExecuteUnversioned.
    private static readonly HashSet<string> AuthorizationTables = new(StringComparer.Ordinal)
    {
        "users", "api_keys", "access_tokens", "service_accounts", "service_account_keys", "groups", "group_members",
        "signers", "signer_certificates", "members", "approval_policies", "policy_approvers", "grants",
    };

    private static readonly ConcurrentDictionary<string, bool> WritesAuthorization = new(StringComparer.Ordinal);

    private const string UserColumns = "id, name, display_name, email, product_admin, enabled, created_at, archived_at";
    private const string ApiKeyColumns = "k.id, k.user_id, u.name, k.description, k.salt, k.hash, k.created_at, k.expires_at, k.last_used_at, k.revoked, k.created_by_key";
    private const string ServiceAccountColumns = "id, name, description, client_id, enabled, created_at, archived_at";
    private const string SignerColumns = "id, name, description, key_algorithm, enabled, certificate_authority, subject, key_reference, public_key, pending_csr, created_at, key_vault, archived_at";
    private const string RequestColumns = "id, signer_id, requester_kind, requester_id, requester_name, justification, signature_count, window_ms, state, created_at, expires_at, grant_id";
    private const string GrantColumns = "id, signer_id, grantee_kind, grantee_id, grantee_name, allowed, used, not_before, not_after, request_id, granted_by_kind, granted_by_id, granted_by_name, revoked";
    private const string WebhookColumns = "id, url, event_types, signer_id, secret, created_at, created_by_kind, created_by_id, created_by_name";
    private const string DeliveryColumns = "id, webhook_id, event_id, event_type, signer_id, signer_name, payload, state, attempts, next_attempt_at, last_status, last_error, created_at, delivered_at";
    private const string AuditColumns = "sequence, id, time, type, outcome, actor_kind, actor_id, actor_name, signer_id, signer_name, reason, client_host, client_process, client_pid, client_correlation_id, client_name, remote_address, details, hash, previous_hash, chain, chain_sequence";

    private bool _committed;
    private bool _authorizationChanged;
    // The head of each chain this transaction locked: it holds the chain's lock, so no one else
    // appended since. Spares a query per event when a group commit appends many.
    private readonly Dictionary<string, AuditRecord?> _chainHeads = new(StringComparer.Ordinal);
    private long _nextSequence;

    public void Commit()
    {
        try
        {
            if (_authorizationChanged)
            {
                AddToCounter(AuthorizationVersionCounter, 1);
                _authorizationChanged = false;
            }
            transaction.Commit();
        }
        catch
        {
            connection.Broken = true;
            throw;
        }
        _committed = true;
    }

    public void Dispose()
    {
        try
        {
            if (!_committed)
            {
                transaction.Rollback();
            }
        }
        catch
        {
            connection.Broken = true;
            throw;
        }
        finally
        {
            transaction.Dispose();
            connection.Release();
        }
    }

    // settings

    public byte[]? GetSetting(string key) =>
        QuerySingle("SELECT value FROM settings WHERE key = @key", r => (byte[])r[0], ("@key", key));

    public void SetSetting(string key, byte[] value) =>
        Execute("INSERT INTO settings (key, value) VALUES (@key, @value) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            ("@key", key), ("@value", value));

    public long AddToCounter(string name, long amount) =>
        Query("UPDATE counters SET value = value + @amount WHERE name = @name RETURNING value", r => r.GetInt64(0), ("@name", name), ("@amount", amount))
            is [var value] ? value : throw new InvalidOperationException($"the store has no counter '{name}'; is its schema up to date?");

    public long AuthorizationVersion() => ReadAuthorizationVersion(connection, transaction);

    /// <summary>The authorization version, in <paramref name="transaction"/> or (null) in a statement of its own.</summary>
    internal static long ReadAuthorizationVersion(StoreConnection connection, DbTransaction? transaction)
    {
        var value = connection.Run(AuthorizationVersionSql, transaction, [("@name", AuthorizationVersionCounter)], 0, static (command, _) => command.ExecuteScalar());
        return value is null or DBNull
            ? throw new InvalidOperationException($"the store has no counter '{AuthorizationVersionCounter}'; is its schema up to date?")
            : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    // users and API keys

    public void InsertUser(UserRecord user) =>
        Execute($"INSERT INTO users ({UserColumns}) VALUES (@id, @name, @display, @email, @admin, @enabled, @created, NULL)",
            ("@id", user.Id), ("@name", user.Name), ("@display", user.DisplayName), ("@email", user.Email),
            ("@admin", user.ProductAdmin), ("@enabled", user.Enabled), ("@created", Time(user.CreatedAt)));

    public UserRecord? FindUser(string idOrName) =>
        QuerySingle($"SELECT {UserColumns} FROM users WHERE id = @v OR name = @v ORDER BY id = @v DESC LIMIT 1", ReadUser, ("@v", idOrName));

    public IReadOnlyList<UserRecord> ListUsers() => Query($"SELECT {UserColumns} FROM users ORDER BY name", ReadUser);

    public void UpdateUser(UserRecord user) =>
        Execute("UPDATE users SET display_name = @display, email = @email, product_admin = @admin, enabled = @enabled, archived_at = @archived WHERE id = @id",
            ("@id", user.Id), ("@display", user.DisplayName), ("@email", user.Email), ("@admin", user.ProductAdmin), ("@enabled", user.Enabled),
            ("@archived", user.ArchivedAt is { } archived ? Time(archived) : null));

    public void InsertApiKey(ApiKeyRecord key) =>
        Execute("INSERT INTO api_keys (id, user_id, description, salt, hash, created_at, expires_at, last_used_at, revoked, created_by_key) " +
                "VALUES (@id, @user, @description, @salt, @hash, @created, @expires, NULL, @revoked, @parent)",
            ("@id", key.Id), ("@user", key.UserId), ("@description", key.Description), ("@salt", key.Salt), ("@hash", key.Hash),
            ("@created", Time(key.CreatedAt)), ("@expires", Time(key.ExpiresAt)), ("@revoked", key.Revoked), ("@parent", key.CreatedByKeyId));

    public ApiKeyRecord? FindApiKey(string id) =>
        QuerySingle($"SELECT {ApiKeyColumns} FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.id = @id", ReadApiKey, ("@id", id));

    public IReadOnlyList<ApiKeyRecord> ListApiKeys(string userId) =>
        Query($"SELECT {ApiKeyColumns} FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.user_id = @user ORDER BY k.created_at",
            ReadApiKey, ("@user", userId));

    public IReadOnlyList<string> RevokeApiKey(string id) => RevokeApiKeyTrees("id = @root", ("@root", id));

    public IReadOnlyList<string> RevokeApiKeysOfUser(string userId) => RevokeApiKeyTrees("user_id = @root", ("@root", userId));

    // A revoked key may have been stolen: whatever it created goes with it, however deep.
    private List<string> RevokeApiKeyTrees(string roots, (string Name, object? Value) parameter) =>
        Query("WITH RECURSIVE tree(id) AS (" +
              $"SELECT id FROM api_keys WHERE {roots} " +
              "UNION SELECT k.id FROM api_keys k JOIN tree t ON k.created_by_key = t.id) " +
              "UPDATE api_keys SET revoked = TRUE WHERE revoked = FALSE AND id IN (SELECT id FROM tree) RETURNING id",
            r => r.GetString(0), parameter);

    public void TouchApiKey(string id, DateTimeOffset usedAt) =>
        ExecuteUnversioned("UPDATE api_keys SET last_used_at = @t WHERE id = @id", ("@id", id), ("@t", Time(usedAt)));

    // service accounts

    public void InsertServiceAccount(ServiceAccountRecord account) =>
        Execute($"INSERT INTO service_accounts ({ServiceAccountColumns}) VALUES (@id, @name, @description, @client, @enabled, @created, NULL)",
            ("@id", account.Id), ("@name", account.Name), ("@description", account.Description), ("@client", account.ClientId),
            ("@enabled", account.Enabled), ("@created", Time(account.CreatedAt)));

    public ServiceAccountRecord? FindServiceAccount(string idOrName) =>
        QuerySingle($"SELECT {ServiceAccountColumns} FROM service_accounts WHERE id = @v OR name = @v ORDER BY id = @v DESC LIMIT 1",
            ReadServiceAccount, ("@v", idOrName));

    public ServiceAccountRecord? FindServiceAccountByClientId(string clientId) =>
        QuerySingle($"SELECT {ServiceAccountColumns} FROM service_accounts WHERE client_id = @c", ReadServiceAccount, ("@c", clientId));

    public IReadOnlyList<ServiceAccountRecord> ListServiceAccounts() =>
        Query($"SELECT {ServiceAccountColumns} FROM service_accounts ORDER BY name", ReadServiceAccount);

    public void SetServiceAccountEnabled(string id, bool enabled) =>
        Execute("UPDATE service_accounts SET enabled = @e WHERE id = @id", ("@id", id), ("@e", enabled));

    public void ArchiveServiceAccount(string id, DateTimeOffset archivedAt) =>
        Execute("UPDATE service_accounts SET enabled = FALSE, archived_at = @t WHERE id = @id", ("@id", id), ("@t", Time(archivedAt)));

    public void InsertServiceAccountKey(ServiceAccountKeyRecord key) =>
        Execute("INSERT INTO service_account_keys (key_id, service_account_id, algorithm, public_key, fingerprint, created_at) " +
                "VALUES (@kid, @sa, @alg, @pk, @fp, @created)",
            ("@kid", key.KeyId), ("@sa", key.ServiceAccountId), ("@alg", key.Algorithm), ("@pk", key.PublicKey),
            ("@fp", key.Fingerprint), ("@created", Time(key.CreatedAt)));

    public IReadOnlyList<ServiceAccountKeyRecord> ListServiceAccountKeys(string serviceAccountId) =>
        Query("SELECT key_id, service_account_id, algorithm, public_key, fingerprint, created_at FROM service_account_keys " +
              "WHERE service_account_id = @sa ORDER BY created_at",
            r => new ServiceAccountKeyRecord(r.GetString(0), r.GetString(1), r.GetString(2), (byte[])r[3], r.GetString(4), Time(r.GetInt64(5))),
            ("@sa", serviceAccountId));

    public bool DeleteServiceAccountKey(string serviceAccountId, string keyId) =>
        Execute("DELETE FROM service_account_keys WHERE service_account_id = @sa AND key_id = @kid", ("@sa", serviceAccountId), ("@kid", keyId)) > 0;

    public void InsertAccessToken(AccessTokenRecord token) =>
        Execute("INSERT INTO access_tokens (id, service_account_id, salt, hash, expires_at, key_id, revoked) VALUES (@id, @sa, @salt, @hash, @exp, @kid, @revoked)",
            ("@id", token.Id), ("@sa", token.ServiceAccountId), ("@salt", token.Salt), ("@hash", token.Hash), ("@exp", Time(token.ExpiresAt)),
            ("@kid", token.KeyId), ("@revoked", token.Revoked));

    public AccessTokenRecord? FindAccessToken(string id) =>
        QuerySingle("SELECT id, service_account_id, salt, hash, expires_at, key_id, revoked FROM access_tokens WHERE id = @id",
            r => new AccessTokenRecord(r.GetString(0), r.GetString(1), (byte[])r[2], (byte[])r[3], Time(r.GetInt64(4)), r.GetString(5), r.GetBoolean(6)),
            ("@id", id));

    // Tokens from before the key was recorded (key_id '') may come from any key, so they go with every key removed.
    public int RevokeAccessTokens(string serviceAccountId, string? keyId) =>
        keyId is null
            ? Execute("UPDATE access_tokens SET revoked = TRUE WHERE service_account_id = @sa AND revoked = FALSE", ("@sa", serviceAccountId))
            : Execute("UPDATE access_tokens SET revoked = TRUE WHERE service_account_id = @sa AND revoked = FALSE AND key_id IN (@kid, '')",
                ("@sa", serviceAccountId), ("@kid", keyId));

    public bool TryRecordAssertionId(string clientId, string jti, DateTimeOffset keepUntil, DateTimeOffset now)
    {
        // The column keeps its old name: it holds the time until which the jti must be remembered.
        Execute("DELETE FROM used_assertions WHERE expires_at < @now", ("@now", Time(now)));
        return Execute("INSERT INTO used_assertions (client_id, jti, expires_at) VALUES (@c, @j, @e) ON CONFLICT DO NOTHING",
            ("@c", clientId), ("@j", jti), ("@e", Time(keepUntil))) > 0;
    }

    // groups

    public void InsertGroup(GroupRecord group) =>
        Execute("INSERT INTO groups (id, name, description) VALUES (@id, @name, @d)", ("@id", group.Id), ("@name", group.Name), ("@d", group.Description));

    public GroupRecord? FindGroup(string idOrName) =>
        QuerySingle("SELECT id, name, description FROM groups WHERE id = @v OR name = @v ORDER BY id = @v DESC LIMIT 1", ReadGroup, ("@v", idOrName));

    public IReadOnlyList<GroupRecord> ListGroups() => Query("SELECT id, name, description FROM groups ORDER BY name", ReadGroup);

    public void DeleteGroup(string id)
    {
        Execute("DELETE FROM group_members WHERE group_id = @id", ("@id", id));
        Execute("DELETE FROM members WHERE principal_id = @id", ("@id", id));
        Execute("DELETE FROM policy_approvers WHERE principal_id = @id", ("@id", id));
        Execute("DELETE FROM groups WHERE id = @id", ("@id", id));
    }

    public bool AddGroupMember(string groupId, Principal member) =>
        Execute("INSERT INTO group_members (group_id, member_kind, member_id, member_name) VALUES (@g, @k, @id, @n) ON CONFLICT DO NOTHING",
            ("@g", groupId), ("@k", (int)member.Kind), ("@id", member.Id), ("@n", member.Name)) > 0;

    public bool RemoveGroupMember(string groupId, string memberId) =>
        Execute("DELETE FROM group_members WHERE group_id = @g AND member_id = @id", ("@g", groupId), ("@id", memberId)) > 0;

    public IReadOnlyList<Principal> ListGroupMembers(string groupId) =>
        Query("SELECT member_kind, member_id, member_name FROM group_members WHERE group_id = @g ORDER BY member_name",
            r => ReadPrincipal(r, 0), ("@g", groupId));

    public IReadOnlyList<GroupRecord> ListGroupsOf(string memberId) =>
        Query("SELECT g.id, g.name, g.description FROM groups g JOIN group_members m ON m.group_id = g.id WHERE m.member_id = @id ORDER BY g.name",
            ReadGroup, ("@id", memberId));

    // signers and members

    public void InsertSigner(SignerRecord signer)
    {
        Execute($"INSERT INTO signers ({SignerColumns}) VALUES (@id, @name, @d, @alg, @enabled, @ca, @subject, @kref, @pk, @csr, @created, @vault, NULL)",
            ("@id", signer.Id), ("@name", signer.Name), ("@d", signer.Description), ("@alg", (int)signer.KeyAlgorithm),
            ("@enabled", signer.Enabled), ("@ca", (int)signer.CertificateAuthority), ("@subject", signer.Subject),
            ("@kref", signer.KeyReference), ("@pk", signer.PublicKey), ("@csr", signer.PendingCsr), ("@created", Time(signer.CreatedAt)), ("@vault", signer.KeyVault));
        WriteChain(signer);
    }

    public SignerRecord? FindSigner(string idOrName)
    {
        var signer = QuerySingle($"SELECT {SignerColumns} FROM signers WHERE id = @v OR name = @v ORDER BY id = @v DESC LIMIT 1", ReadSigner, ("@v", idOrName));
        return signer is null ? null : signer with { Chain = ReadChain(signer.Id) };
    }

    public (SignerRecord Signer, bool HasChain)? FindSignerWithoutChain(string idOrName) =>
        Query($"SELECT {SignerColumns}, EXISTS (SELECT 1 FROM signer_certificates c WHERE c.signer_id = signers.id) FROM signers " +
              "WHERE id = @v OR name = @v ORDER BY id = @v DESC LIMIT 1",
            r => (ReadSigner(r), r.GetBoolean(13)), ("@v", idOrName)) is [var found] ? found : null;

    public IReadOnlyList<SignerRecord> ListSigners() =>
        Query($"SELECT {SignerColumns} FROM signers ORDER BY name", ReadSigner).Select(s => s with { Chain = ReadChain(s.Id) }).ToList();

    public void UpdateSigner(SignerRecord signer)
    {
        Execute("UPDATE signers SET description = @d, enabled = @enabled, subject = @subject, pending_csr = @csr, archived_at = @archived, " +
                "key_algorithm = @alg, key_reference = @kref, public_key = @pk, key_vault = @vault WHERE id = @id",
            ("@id", signer.Id), ("@d", signer.Description), ("@enabled", signer.Enabled), ("@subject", signer.Subject), ("@csr", signer.PendingCsr),
            ("@archived", signer.ArchivedAt is { } archived ? Time(archived) : null), ("@alg", (int)signer.KeyAlgorithm),
            ("@kref", signer.KeyReference), ("@pk", signer.PublicKey), ("@vault", signer.KeyVault));
        WriteChain(signer);
    }

    public void RetireCertificates(string signerId, IReadOnlyList<byte[]> chain, DateTimeOffset retiredAt)
    {
        // A generation number, not the time, orders them: two rotations may share a millisecond.
        var generation = 1 + Query("SELECT COALESCE(MAX(generation), 0) FROM signer_certificate_history WHERE signer_id = @s",
            r => Convert.ToInt64(r[0], System.Globalization.CultureInfo.InvariantCulture), ("@s", signerId))[0];
        for (var i = 0; i < chain.Count; i++)
        {
            Execute("INSERT INTO signer_certificate_history (signer_id, generation, retired_at, position, der) VALUES (@s, @g, @t, @p, @der)",
                ("@s", signerId), ("@g", generation), ("@t", Time(retiredAt)), ("@p", i), ("@der", chain[i]));
        }
    }

    public IReadOnlyList<byte[]> ListRetiredCertificates(string signerId) =>
        Query("SELECT der FROM signer_certificate_history WHERE signer_id = @s AND position = 0 ORDER BY generation DESC", r => (byte[])r[0], ("@s", signerId));

    public void UpdateKeyReference(string signerId, byte[] keyReference) =>
        Execute("UPDATE signers SET key_reference = @kref WHERE id = @id", ("@id", signerId), ("@kref", keyReference));

    public void SetMember(MemberRecord member) =>
        Execute("INSERT INTO members (signer_id, principal_kind, principal_id, principal_name, role) VALUES (@s, @k, @id, @n, @r) " +
                "ON CONFLICT(signer_id, principal_id) DO UPDATE SET role = excluded.role",
            ("@s", member.SignerId), ("@k", (int)member.Principal.Kind), ("@id", member.Principal.Id), ("@n", member.Principal.Name), ("@r", (int)member.Role));

    public bool RemoveMember(string signerId, string principalId) =>
        Execute("DELETE FROM members WHERE signer_id = @s AND principal_id = @id", ("@s", signerId), ("@id", principalId)) > 0;

    public IReadOnlyList<MemberRecord> ListMembers(string signerId) =>
        Query("SELECT signer_id, principal_kind, principal_id, principal_name, role FROM members WHERE signer_id = @s ORDER BY principal_name",
            ReadMember, ("@s", signerId));

    public IReadOnlyList<MemberRecord> ListMemberships(IReadOnlyCollection<string> principalIds)
    {
        if (principalIds.Count == 0)
        {
            return [];
        }
        var names = principalIds.Select((_, i) => $"@p{i}").ToArray();
        return Query($"SELECT signer_id, principal_kind, principal_id, principal_name, role FROM members WHERE principal_id IN ({string.Join(", ", names)})",
            ReadMember, principalIds.Select((id, i) => (names[i], (object?)id)).ToArray());
    }

    // approvals

    public PolicyRecord? GetPolicy(string signerId)
    {
        // Approvers only when there is a policy: every signature asks, and most Signers have none.
        var policy = QuerySingle("SELECT signer_id, approvals_required, max_signatures_per_grant, max_grant_window_ms, request_ttl_ms, allow_self_preapproval FROM approval_policies WHERE signer_id = @s",
            r => new PolicyRecord(r.GetString(0), [], r.GetInt32(1), r.GetInt64(2), TimeSpan.FromMilliseconds(r.GetInt64(3)), TimeSpan.FromMilliseconds(r.GetInt64(4)),
                r.IsDBNull(5) ? null : r.GetInt32(5) != 0),
            ("@s", signerId));
        return policy is null ? null : policy with
        {
            Approvers = Query("SELECT principal_kind, principal_id, principal_name FROM policy_approvers WHERE signer_id = @s ORDER BY principal_name",
                r => ReadPrincipal(r, 0), ("@s", signerId)),
        };
    }

    public void SetPolicy(PolicyRecord policy)
    {
        DeletePolicy(policy.SignerId);
        Execute("INSERT INTO approval_policies (signer_id, approvals_required, max_signatures_per_grant, max_grant_window_ms, request_ttl_ms, allow_self_preapproval) VALUES (@s, @n, @max, @w, @ttl, @self)",
            ("@s", policy.SignerId), ("@n", policy.ApprovalsRequired), ("@max", policy.MaxSignaturesPerGrant),
            ("@w", (long)policy.MaxGrantWindow.TotalMilliseconds), ("@ttl", (long)policy.RequestTtl.TotalMilliseconds),
            ("@self", policy.AllowSelfPreapproval is { } allow ? (allow ? 1 : 0) : null));
        foreach (var approver in policy.Approvers)
        {
            Execute("INSERT INTO policy_approvers (signer_id, principal_kind, principal_id, principal_name) VALUES (@s, @k, @id, @n)",
                ("@s", policy.SignerId), ("@k", (int)approver.Kind), ("@id", approver.Id), ("@n", approver.Name));
        }
    }

    public bool DeletePolicy(string signerId)
    {
        Execute("DELETE FROM policy_approvers WHERE signer_id = @s", ("@s", signerId));
        return Execute("DELETE FROM approval_policies WHERE signer_id = @s", ("@s", signerId)) > 0;
    }

    public void InsertSigningRequest(SigningRequestRecord request) =>
        Execute($"INSERT INTO signing_requests ({RequestColumns}) VALUES (@id, @s, @rk, @rid, @rn, @j, @count, @w, @state, @created, @expires, @grant)",
            ("@id", request.Id), ("@s", request.SignerId), ("@rk", (int)request.Requester.Kind), ("@rid", request.Requester.Id),
            ("@rn", request.Requester.Name), ("@j", request.Justification), ("@count", request.SignatureCount),
            ("@w", (long)request.Window.TotalMilliseconds), ("@state", (int)request.State), ("@created", Time(request.CreatedAt)),
            ("@expires", Time(request.ExpiresAt)), ("@grant", request.GrantId));

    public SigningRequestRecord? FindSigningRequest(string id) =>
        QuerySingle($"SELECT {RequestColumns} FROM signing_requests WHERE id = @id", ReadRequest, ("@id", id));

    public IReadOnlyList<SigningRequestRecord> ListSigningRequests(IReadOnlyCollection<string> signerIds)
    {
        if (signerIds.Count == 0)
        {
            return [];
        }
        var names = signerIds.Select((_, i) => $"@s{i}").ToArray();
        return Query($"SELECT {RequestColumns} FROM signing_requests WHERE signer_id IN ({string.Join(", ", names)}) ORDER BY created_at, id",
            ReadRequest, signerIds.Select((id, i) => (names[i], (object?)id)).ToArray());
    }

    public IReadOnlyDictionary<SigningRequestState, long> CountSigningRequests(DateTimeOffset now) =>
        Query("SELECT CASE WHEN state = @pending AND expires_at <= @now THEN @expired ELSE state END AS s, COUNT(*) FROM signing_requests GROUP BY s",
                r => ((SigningRequestState)Convert.ToInt32(r.GetValue(0), System.Globalization.CultureInfo.InvariantCulture), r.GetInt64(1)),
                ("@pending", (int)SigningRequestState.Pending), ("@expired", (int)SigningRequestState.Expired), ("@now", Time(now)))
            .ToDictionary(c => c.Item1, c => c.Item2);

    public void UpdateSigningRequest(string id, SigningRequestState state, string? grantId) =>
        Execute("UPDATE signing_requests SET state = @state, grant_id = @grant WHERE id = @id", ("@id", id), ("@state", (int)state), ("@grant", grantId));

    public void InsertDecision(DecisionRecord decision) =>
        Execute("INSERT INTO decisions (request_id, approver_kind, approver_id, approver_name, approved, comment, decided_at) VALUES (@r, @k, @id, @n, @a, @c, @t)",
            ("@r", decision.RequestId), ("@k", (int)decision.Approver.Kind), ("@id", decision.Approver.Id), ("@n", decision.Approver.Name),
            ("@a", decision.Approved), ("@c", decision.Comment), ("@t", Time(decision.DecidedAt)));

    public IReadOnlyList<DecisionRecord> ListDecisions(string requestId) =>
        Query("SELECT request_id, approver_kind, approver_id, approver_name, approved, comment, decided_at FROM decisions WHERE request_id = @r ORDER BY decided_at",
            r => new DecisionRecord(r.GetString(0), ReadPrincipal(r, 1), r.GetBoolean(4), r.GetString(5), Time(r.GetInt64(6))), ("@r", requestId));

    public void InsertGrant(GrantRecord grant) =>
        Execute($"INSERT INTO grants ({GrantColumns}) VALUES (@id, @s, @gk, @gid, @gn, @allowed, @used, @nb, @na, @req, @bk, @bid, @bn, @revoked)",
            ("@id", grant.Id), ("@s", grant.SignerId), ("@gk", (int)grant.Grantee.Kind), ("@gid", grant.Grantee.Id), ("@gn", grant.Grantee.Name),
            ("@allowed", grant.Allowed), ("@used", grant.Used), ("@nb", Time(grant.NotBefore)), ("@na", Time(grant.NotAfter)),
            ("@req", grant.RequestId), ("@bk", (int)grant.GrantedBy.Kind), ("@bid", grant.GrantedBy.Id), ("@bn", grant.GrantedBy.Name),
            ("@revoked", grant.Revoked));

    public GrantRecord? FindGrant(string id) => QuerySingle($"SELECT {GrantColumns} FROM grants WHERE id = @id", ReadGrant, ("@id", id));

    public IReadOnlyList<GrantRecord> ListGrants(string signerId) =>
        Query($"SELECT {GrantColumns} FROM grants WHERE signer_id = @s ORDER BY not_after, id", ReadGrant, ("@s", signerId));

    public bool TryConsumeGrant(string id, long usableUnits, DateTimeOffset now, DateTimeOffset deadline) =>
        ExecuteUnversioned("UPDATE grants SET used = used + 1 WHERE id = @id AND revoked = FALSE AND used < allowed AND used < @usable " +
                "AND not_before <= @now AND not_after > @now AND @deadline > @now",
            ("@id", id), ("@usable", usableUnits), ("@now", Time(now)), ("@deadline", Time(deadline))) > 0;

    public void RevokeGrant(string id) => Execute("UPDATE grants SET revoked = TRUE WHERE id = @id", ("@id", id));

    // webhooks

    public void InsertWebhook(WebhookRecord webhook) =>
        Execute($"INSERT INTO webhooks ({WebhookColumns}) VALUES (@id, @url, @types, @s, @secret, @created, @bk, @bid, @bn)",
            ("@id", webhook.Id), ("@url", webhook.Url), ("@types", string.Join(",", webhook.EventTypes)), ("@s", webhook.SignerId),
            ("@secret", webhook.Secret), ("@created", Time(webhook.CreatedAt)), ("@bk", (int)webhook.CreatedBy.Kind),
            ("@bid", webhook.CreatedBy.Id), ("@bn", webhook.CreatedBy.Name));

    public WebhookRecord? FindWebhook(string id) => QuerySingle($"SELECT {WebhookColumns} FROM webhooks WHERE id = @id", ReadWebhook, ("@id", id));

    public IReadOnlyList<WebhookRecord> ListWebhooks() => Query($"SELECT {WebhookColumns} FROM webhooks ORDER BY created_at, id", ReadWebhook);

    public bool DeleteWebhook(string id)
    {
        Execute("DELETE FROM webhook_deliveries WHERE webhook_id = @id", ("@id", id));
        return Execute("DELETE FROM webhooks WHERE id = @id", ("@id", id)) > 0;
    }

    public void InsertWebhookDelivery(WebhookDeliveryRecord delivery) =>
        Execute($"INSERT INTO webhook_deliveries ({DeliveryColumns}, lease_owner, lease_until) " +
                "VALUES (@id, @w, @e, @type, @sid, @sn, @payload, @state, @attempts, @next, @status, @error, @created, @delivered, '', 0)",
            ("@id", delivery.Id), ("@w", delivery.WebhookId), ("@e", delivery.EventId), ("@type", delivery.EventType), ("@sid", delivery.SignerId),
            ("@sn", delivery.SignerName), ("@payload", delivery.Payload), ("@state", (int)delivery.State), ("@attempts", delivery.Attempts),
            ("@next", Time(delivery.NextAttemptAt)), ("@status", delivery.LastStatus), ("@error", delivery.LastError),
            ("@created", Time(delivery.CreatedAt)), ("@delivered", delivery.DeliveredAt is { } d ? Time(d) : null));

    public bool HasDueWebhookDeliveries(DateTimeOffset now) =>
        Query("SELECT 1 FROM webhook_deliveries WHERE state = @pending AND next_attempt_at <= @now AND lease_until <= @now LIMIT 1",
            r => r.GetInt32(0), ("@pending", (int)WebhookDeliveryState.Pending), ("@now", Time(now))).Count > 0;

    public IReadOnlyList<WebhookDeliveryRecord> ClaimWebhookDeliveries(string owner, DateTimeOffset now, DateTimeOffset leaseUntil, int limit)
    {
        // The write lock makes select-then-lease atomic across replicas.
        Execute("UPDATE webhook_deliveries SET lease_owner = @owner, lease_until = @until WHERE id IN (" +
                "SELECT id FROM webhook_deliveries WHERE state = @pending AND next_attempt_at <= @now AND lease_until <= @now " +
                "ORDER BY next_attempt_at, id LIMIT @limit)",
            ("@owner", owner), ("@until", Time(leaseUntil)), ("@pending", (int)WebhookDeliveryState.Pending), ("@now", Time(now)), ("@limit", limit));
        return Query($"SELECT {DeliveryColumns} FROM webhook_deliveries WHERE lease_owner = @owner AND lease_until = @until AND state = @pending ORDER BY next_attempt_at, id",
            ReadDelivery, ("@owner", owner), ("@until", Time(leaseUntil)), ("@pending", (int)WebhookDeliveryState.Pending));
    }

    public bool FinishWebhookDeliveryAttempt(WebhookDeliveryRecord delivery, string owner) =>
        Execute("UPDATE webhook_deliveries SET state = @state, attempts = @attempts, next_attempt_at = @next, last_status = @status, " +
                "last_error = @error, delivered_at = @delivered, lease_owner = '', lease_until = 0 WHERE id = @id AND lease_owner = @owner",
            ("@id", delivery.Id), ("@owner", owner), ("@state", (int)delivery.State), ("@attempts", delivery.Attempts),
            ("@next", Time(delivery.NextAttemptAt)), ("@status", delivery.LastStatus), ("@error", delivery.LastError),
            ("@delivered", delivery.DeliveredAt is { } d ? Time(d) : null)) > 0;

    public IReadOnlyList<WebhookDeliveryRecord> ListWebhookDeliveries(string? webhookId, IReadOnlyCollection<WebhookDeliveryState> states, int limit)
    {
        var where = new List<string> { "TRUE" };
        var parameters = new List<(string, object?)> { ("@limit", limit) };
        if (webhookId is not null)
        {
            where.Add("webhook_id = @w");
            parameters.Add(("@w", webhookId));
        }
        if (states.Count > 0)
        {
            where.Add($"state IN ({string.Join(", ", states.Select(s => (int)s))})");
        }
        return Query($"SELECT {DeliveryColumns} FROM webhook_deliveries WHERE {string.Join(" AND ", where)} ORDER BY created_at DESC, id DESC LIMIT @limit",
            ReadDelivery, parameters.ToArray());
    }

    // audit

    public AuditRecord? LastAuditEvent() =>
        QuerySingle($"SELECT {AuditColumns} FROM audit_events ORDER BY sequence DESC LIMIT 1", ReadAudit);

    public AuditRecord? LockAuditChain(string chain)
    {
        if (_chainHeads.TryGetValue(chain, out var head))
        {
            return head;
        }
        if (dialect.LockAuditChain is { } lockChain)
        {
            // Two append transactions each holding one chain and waiting for the other's would deadlock.
            if (appendOnly && _chainHeads.Count > 0)
            {
                throw new InvalidOperationException($"an append transaction appends to one audit chain; it holds '{_chainHeads.Keys.First()}' and asked for '{chain}'");
            }
            Execute(lockChain, ("@chain_key", ChainKey(chain)));
        }
        head = QuerySingle($"SELECT {AuditColumns} FROM audit_events WHERE chain = @chain ORDER BY chain_sequence DESC LIMIT 1", ReadAudit, ("@chain", chain));
        _chainHeads[chain] = head;
        return head;
    }

    public long NextAuditSequence()
    {
        if (dialect.SingleWriter && _nextSequence > 0)
        {
            return _nextSequence++;
        }
        var next = Query(dialect.NextAuditSequence, r => r.GetInt64(0))[0];
        _nextSequence = next + 1;
        return next;
    }

    public void InsertAuditEvent(AuditRecord record)
    {
        if (!_chainHeads.TryGetValue(record.Chain, out var head) || record.ChainSequence != (head?.ChainSequence ?? 0) + 1)
        {
            throw new InvalidOperationException($"an audit event is appended to chain '{record.Chain}' after locking it and at its next position");
        }
        Execute($"INSERT INTO audit_events ({AuditColumns}) VALUES (@seq, @id, @time, @type, @outcome, @ak, @aid, @an, @sid, @sn, @reason, " +
                "@host, @process, @pid, @corr, @client, @remote, @details, @hash, @prev, @chain, @chain_seq)",
            ("@seq", record.Sequence), ("@id", record.Id), ("@time", Time(record.Time)), ("@type", record.Type), ("@outcome", (int)record.Outcome),
            ("@ak", record.Actor is null ? null : (int)record.Actor.Kind), ("@aid", record.Actor?.Id), ("@an", record.Actor?.Name),
            ("@sid", record.SignerId), ("@sn", record.SignerName), ("@reason", record.Reason), ("@host", record.Client.Host),
            ("@process", record.Client.Process), ("@pid", record.Client.Pid), ("@corr", record.Client.CorrelationId),
            ("@client", record.Client.Client), ("@remote", record.RemoteAddress),
            ("@details", JsonSerializer.Serialize(record.Details, StoreJson.Default.SortedDictionaryStringString)),
            ("@hash", record.Hash), ("@prev", record.PreviousHash), ("@chain", record.Chain), ("@chain_seq", record.ChainSequence));
        _chainHeads[record.Chain] = record;
    }

    // Signers are never deleted (only archived), so their ids name every chain there can be.
    public IReadOnlyList<string> ListAuditChains() =>
        ["", .. Query("SELECT id FROM signers ORDER BY id", r => r.GetString(0))];

    public IReadOnlyList<AuditRecord> ReadAuditChain(string chain, long afterChainSequence, int limit) =>
        Query($"SELECT {AuditColumns} FROM audit_events WHERE chain = @chain AND chain_sequence > @after ORDER BY chain_sequence LIMIT @limit",
            ReadAudit, ("@chain", chain), ("@after", afterChainSequence), ("@limit", limit));

    public AuditRecord? AuditChainHead(string chain, long sequence) =>
        QuerySingle($"SELECT {AuditColumns} FROM audit_events WHERE chain = @chain AND sequence <= @seq ORDER BY chain_sequence DESC LIMIT 1",
            ReadAudit, ("@chain", chain), ("@seq", sequence));

    public long CountAuditEvents() => Query("SELECT COUNT(*) FROM audit_events", r => r.GetInt64(0))[0];

    public (long Contiguous, long? NextPresent) AuditSequenceGap(long after)
    {
        const int Window = 1000;
        var present = Query("SELECT sequence FROM audit_events WHERE sequence > @after ORDER BY sequence LIMIT @limit",
            r => r.GetInt64(0), ("@after", after), ("@limit", Window));
        var contiguous = after;
        foreach (var sequence in present)
        {
            if (sequence != contiguous + 1)
            {
                return (contiguous, sequence);
            }
            contiguous = sequence;
        }
        return (contiguous, null);
    }

    /// <summary>A chain's advisory lock key: the first four bytes of SHA-256 of its name (two chains sharing one only wait for each other).</summary>
    private static int ChainKey(string chain) =>
        System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(chain)));

    public IReadOnlyList<AuditRecord> QueryAuditEvents(AuditQuery query)
    {
        var where = new List<string> { "sequence > @after" };
        var parameters = new List<(string, object?)> { ("@after", query.AfterSequence), ("@limit", query.Limit) };
        if (query.UpToSequence is { } upTo)
        {
            where.Add("sequence <= @up_to");
            parameters.Add(("@up_to", upTo));
        }
        if (query.SignerIds is not null)
        {
            var names = query.SignerIds.Select((_, i) => $"@s{i}").ToArray();
            where.Add(names.Length == 0 ? "FALSE" : $"signer_id IN ({string.Join(", ", names)})");
            parameters.AddRange(query.SignerIds.Select((id, i) => (names[i], (object?)id)));
        }
        if (!string.IsNullOrEmpty(query.ActorName))
        {
            where.Add("actor_name = @actor");
            parameters.Add(("@actor", query.ActorName));
        }
        if (query.Types.Count > 0)
        {
            var clauses = query.Types.Select((type, i) =>
            {
                parameters.Add(($"@t{i}", type));
                return type.EndsWith('.') ? $"substr(type, 1, length(@t{i})) = @t{i}" : $"type = @t{i}";
            }).ToList();
            where.Add($"({string.Join(" OR ", clauses)})");
        }
        if (query.Since is { } since)
        {
            where.Add("time >= @since");
            parameters.Add(("@since", Time(since)));
        }
        if (query.Until is { } until)
        {
            where.Add("time < @until");
            parameters.Add(("@until", Time(until)));
        }
        if (query.Outcome != AuditOutcome.Unspecified)
        {
            where.Add("outcome = @outcome");
            parameters.Add(("@outcome", (int)query.Outcome));
        }
        return Query($"SELECT {AuditColumns} FROM audit_events WHERE {string.Join(" AND ", where)} ORDER BY sequence LIMIT @limit",
            ReadAudit, parameters.ToArray());
    }

    // plumbing

    private void WriteChain(SignerRecord signer)
    {
        Execute("DELETE FROM signer_certificates WHERE signer_id = @s", ("@s", signer.Id));
        for (var i = 0; i < signer.Chain.Count; i++)
        {
            Execute("INSERT INTO signer_certificates (signer_id, position, der) VALUES (@s, @p, @der)", ("@s", signer.Id), ("@p", i), ("@der", signer.Chain[i]));
        }
    }

    private List<byte[]> ReadChain(string signerId) =>
        Query("SELECT der FROM signer_certificates WHERE signer_id = @s ORDER BY position", r => (byte[])r[0], ("@s", signerId));

    private static UserRecord ReadUser(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetBoolean(4), r.GetBoolean(5), Time(r.GetInt64(6)),
            r.IsDBNull(7) ? null : Time(r.GetInt64(7)));

    private static ApiKeyRecord ReadApiKey(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), (byte[])r[4], (byte[])r[5], Time(r.GetInt64(6)), Time(r.GetInt64(7)),
            r.IsDBNull(8) ? null : Time(r.GetInt64(8)), r.GetBoolean(9), r.IsDBNull(10) ? null : r.GetString(10));

    private static ServiceAccountRecord ReadServiceAccount(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetBoolean(4), Time(r.GetInt64(5)),
            r.IsDBNull(6) ? null : Time(r.GetInt64(6)));

    private static GroupRecord ReadGroup(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2));

    private static SignerRecord ReadSigner(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), (KeyAlgorithm)r.GetInt32(3), r.GetBoolean(4), (CertificateAuthorityKind)r.GetInt32(5),
            r.GetString(6), (byte[])r[7], (byte[])r[8], [], r.IsDBNull(9) ? null : r.GetString(9), Time(r.GetInt64(10)), r.GetString(11),
            r.IsDBNull(12) ? null : Time(r.GetInt64(12)));

    private static WebhookRecord ReadWebhook(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2).Split(',', StringSplitOptions.RemoveEmptyEntries), r.IsDBNull(3) ? null : r.GetString(3),
            (byte[])r[4], Time(r.GetInt64(5)), ReadPrincipal(r, 6));

    private static WebhookDeliveryRecord ReadDelivery(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6),
            (WebhookDeliveryState)r.GetInt32(7), r.GetInt32(8), Time(r.GetInt64(9)), r.GetInt32(10), r.GetString(11), Time(r.GetInt64(12)),
            r.IsDBNull(13) ? null : Time(r.GetInt64(13)));

    private static MemberRecord ReadMember(DbDataReader r) => new(r.GetString(0), ReadPrincipal(r, 1), (Role)r.GetInt32(4));

    private static SigningRequestRecord ReadRequest(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), ReadPrincipal(r, 2), r.GetString(5), r.GetInt64(6), TimeSpan.FromMilliseconds(r.GetInt64(7)),
            (SigningRequestState)r.GetInt32(8), Time(r.GetInt64(9)), Time(r.GetInt64(10)), r.IsDBNull(11) ? null : r.GetString(11));

    private static GrantRecord ReadGrant(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), ReadPrincipal(r, 2), r.GetInt64(5), r.GetInt64(6), Time(r.GetInt64(7)), Time(r.GetInt64(8)),
            r.IsDBNull(9) ? null : r.GetString(9), ReadPrincipal(r, 10), r.GetBoolean(13));

    private static AuditRecord ReadAudit(DbDataReader r) =>
        new(r.GetInt64(0), r.GetString(1), Time(r.GetInt64(2)), r.GetString(3), (AuditOutcome)r.GetInt32(4),
            r.IsDBNull(5) ? null : ReadPrincipal(r, 5), r.GetString(8), r.GetString(9), r.GetString(10),
            new AuditClient(r.GetString(11), r.GetString(12), r.GetInt64(13), r.GetString(14), r.GetString(15)), r.GetString(16),
            JsonSerializer.Deserialize(r.GetString(17), StoreJson.Default.SortedDictionaryStringString) ?? [], (byte[])r[18], (byte[])r[19],
            r.GetString(20), r.GetInt64(21));

    private static Principal ReadPrincipal(DbDataReader r, int first) =>
        new((PrincipalKind)r.GetInt32(first), r.GetString(first + 1), r.GetString(first + 2));

    // Milliseconds since the Unix epoch: what the audit chain hashes, so it must round-trip exactly.
    private static long Time(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    private static DateTimeOffset Time(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);

    private int Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        Track(sql);
        return ExecuteUnversioned(sql, parameters);
    }

    /// <summary>A write that changes nothing authentication or authorization reads: the authorization version stays.</summary>
    private int ExecuteUnversioned(string sql, params (string Name, object? Value)[] parameters) =>
        connection.Run(sql, transaction, parameters, 0, static (command, _) => command.ExecuteNonQuery());

    private List<T> Query<T>(string sql, Func<DbDataReader, T> read, params (string Name, object? Value)[] parameters)
    {
        if (!sql.StartsWith("SELECT ", StringComparison.Ordinal))
        {
            // UPDATE ... RETURNING, WITH ... UPDATE: writes that read back.
            Track(sql);
        }
        return connection.Run(sql, transaction, parameters, read, static (command, read) =>
        {
            var rows = new List<T>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                rows.Add(read(reader));
            }
            return rows;
        });
    }

    private void Track(string sql)
    {
        if (_authorizationChanged)
        {
            return;
        }
        if (!WritesAuthorization.TryGetValue(sql, out var writes))
        {
            writes = WrittenTables().Matches(sql).Any(m => AuthorizationTables.Contains(m.Groups["table"].Value));
            // Write statements are a fixed set of texts; the bound is only a safeguard.
            if (WritesAuthorization.Count < 1024)
            {
                WritesAuthorization.TryAdd(sql, writes);
            }
        }
        _authorizationChanged = writes;
    }

    [GeneratedRegex(@"\b(INSERT INTO|UPDATE|DELETE FROM) (?<table>[a-z_]+)\b")]
    private static partial Regex WrittenTables();

    private T? QuerySingle<T>(string sql, Func<DbDataReader, T> read, params (string Name, object? Value)[] parameters) where T : class =>
        Query(sql, read, parameters).FirstOrDefault();
}
