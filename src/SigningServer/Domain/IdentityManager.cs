using System.Security.Cryptography;
using CodeSigning.Server.Audit;
using CodeSigning.Server.Storage;
using CodeSigning.V1;

namespace CodeSigning.Server.Domain;

/// <summary>Users, API keys, service accounts and their registered public keys.</summary>
public sealed class IdentityManager(Operations operations, ServerSettings settings, TimeProvider clock)
{
    public IReadOnlyList<GroupRecord> GroupsOf(Caller caller) =>
        operations.Read(caller, AuditEventTypes.IdentityRead, (session, _) => session.ListGroupsOf(caller.Principal.Id));

    /// <summary>Used by <c>init</c> too, where there is no caller yet.</summary>
    public static UserRecord InsertUser(IStoreSession session, string name, string displayName, string email, bool productAdmin, DateTimeOffset now)
    {
        Names.Validate(name, "name");
        Names.ValidateDisplay(displayName, "display_name");
        Names.ValidateDisplay(email, "email");
        if (session.FindUser(name) is not null)
        {
            throw ServiceException.NameTaken("user", name);
        }
        var user = new UserRecord(Guid.CreateVersion7().ToString("N"), name, displayName, email, productAdmin, true, now);
        session.InsertUser(user);
        return user;
    }

    /// <summary>Stores a new API key's salted hash; the returned secret exists nowhere else.</summary>
    /// <param name="createdByKeyId">The API key the caller used, if any: revoking it will revoke this one.</param>
    public static (ApiKeyRecord Key, string Secret) InsertApiKey(IStoreSession session, UserRecord user, string description, DateTimeOffset expiresAt,
        string? createdByKeyId, DateTimeOffset now)
    {
        var secret = ApiKeySecrets.Generate(ApiKeySecrets.ApiKeyPrefix);
        var key = new ApiKeyRecord(secret.Id, user.Id, user.Name, description, secret.Salt, secret.Hash, now, expiresAt, null, false, createdByKeyId);
        session.InsertApiKey(key);
        return (key, secret.Secret);
    }

    public UserRecord CreateUser(Caller caller, CreateUserRequest request) => operations.Change(caller, AuditEventTypes.UserCreated, (session, scope) =>
    {
        caller.RequireProductAdmin("create users");
        var user = InsertUser(session, request.Name, request.DisplayName, request.Email, request.ProductAdmin, clock.GetUtcNow());
        scope.Details["user"] = user.Name;
        scope.Details["product_admin"] = user.ProductAdmin ? "true" : "false";
        return user;
    });

    public IReadOnlyList<UserRecord> ListUsers(Caller caller) => operations.Read(caller, AuditEventTypes.UserList, (session, _) =>
    {
        caller.RequireProductAdmin("list users");
        return session.ListUsers();
    });

    public UserRecord GetUser(Caller caller, string userRef) => operations.Read(caller, AuditEventTypes.UserRead, (session, _) =>
    {
        var user = FindUser(session, userRef);
        return user.Id == caller.Principal.Id || caller.ProductAdmin ? user : throw ServiceException.ProductAdminRequired("read other users");
    });

    public UserRecord SetProductAdmin(Caller caller, string userRef, bool productAdmin) =>
        UpdateUser(caller, userRef, productAdmin ? AuditEventTypes.UserProductAdminGranted : AuditEventTypes.UserProductAdminRevoked, u => u with { ProductAdmin = productAdmin });

    public UserRecord SetEnabled(Caller caller, string userRef, bool enabled) =>
        UpdateUser(caller, userRef, enabled ? AuditEventTypes.UserEnabled : AuditEventTypes.UserDisabled, u => u with { Enabled = enabled });

    /// <summary>For good: disabled, API keys revoked, never enabled again; the record stays for the audit log and memberships.</summary>
    public UserRecord ArchiveUser(Caller caller, string userRef) =>
        UpdateUser(caller, userRef, AuditEventTypes.UserArchived, u => u with { Enabled = false, ArchivedAt = clock.GetUtcNow() });

    public ServiceAccountView ArchiveServiceAccount(Caller caller, string accountRef) =>
        operations.Change(caller, AuditEventTypes.ServiceAccountArchived, (session, scope) =>
        {
            caller.RequireProductAdmin("archive service accounts");
            var account = ActiveServiceAccount(session, accountRef, scope);
            account = account with { Enabled = false, ArchivedAt = clock.GetUtcNow() };
            session.ArchiveServiceAccount(account.Id, account.ArchivedAt.Value);
            scope.Details["access_tokens_revoked"] = session.RevokeAccessTokens(account.Id, keyId: null).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return new ServiceAccountView(account, session.ListServiceAccountKeys(account.Id));
        });

    public (ApiKeyRecord Key, string Secret) CreateApiKey(Caller caller, CreateApiKeyRequest request) => operations.Change(caller, AuditEventTypes.ApiKeyCreated, (session, scope) =>
    {
        var user = TargetUser(session, caller, request.User, "create API keys for other users");
        PrincipalResolver.RequireActive(user.ArchivedAt, "user", user.Name);
        var ttl = request.Ttl?.ToTimeSpan() ?? settings.ApiKeyDefaultTtl;
        if (ttl <= TimeSpan.Zero || ttl > settings.ApiKeyMaxTtl)
        {
            throw ServiceException.InvalidArgument("ttl", $"ttl must be positive and at most {settings.ApiKeyMaxTtl.TotalDays:0} days");
        }
        var now = clock.GetUtcNow();
        var expiresAt = now + ttl;
        // Only a user authenticates with an API key; a service account's token has no successor to mint.
        var parentKeyId = caller.Principal.Kind == PrincipalKind.User ? caller.CredentialId : null;
        // A key may not renew itself: a stolen key that mints its own successor must not outlive
        // it. A key for another user (a Product Admin's work) keeps its ttl; it dies with its
        // creator only when the creator is revoked.
        if (parentKeyId is not null && user.Id == caller.Principal.Id && expiresAt > caller.CredentialExpiresAt)
        {
            expiresAt = caller.CredentialExpiresAt;
            scope.Details["clamped_to_expiry_of"] = parentKeyId;
        }
        var created = InsertApiKey(session, user, request.Description, expiresAt, parentKeyId, now);
        scope.Details["api_key_id"] = created.Key.Id;
        scope.Details["user"] = user.Name;
        if (parentKeyId is not null)
        {
            scope.Details["created_by_api_key_id"] = parentKeyId;
        }
        return created;
    });

    public IReadOnlyList<ApiKeyRecord> ListApiKeys(Caller caller, string userRef, bool includeRevoked) => operations.Read(caller, AuditEventTypes.ApiKeyList, (session, _) =>
    {
        var user = TargetUser(session, caller, userRef, "list other users' API keys");
        return session.ListApiKeys(user.Id).Where(k => includeRevoked || !k.Revoked).ToList();
    });

    public ApiKeyRecord RevokeApiKey(Caller caller, string apiKeyId) => operations.Change(caller, AuditEventTypes.ApiKeyRevoked, (session, scope) =>
    {
        var key = session.FindApiKey(apiKeyId) ?? throw ServiceException.NotFound($"API key '{apiKeyId}'");
        if (key.UserId != caller.Principal.Id && !caller.ProductAdmin)
        {
            throw ServiceException.ProductAdminRequired("revoke other users' API keys");
        }
        scope.Details["api_key_id"] = key.Id;
        RecordCascade(scope, session.RevokeApiKey(key.Id).Where(id => id != key.Id));
        return key with { Revoked = true };
    });

    /// <summary>Revokes every API key of a user (and the keys they created): a user whose keys may be stolen loses them all at once.</summary>
    public IReadOnlyList<string> RevokeApiKeysOfUser(Caller caller, string userRef) => operations.Change(caller, AuditEventTypes.ApiKeyRevokedAll, (session, scope) =>
    {
        var user = TargetUser(session, caller, userRef, "revoke other users' API keys");
        scope.Details["user"] = user.Name;
        var revoked = session.RevokeApiKeysOfUser(user.Id);
        scope.Details["revoked_count"] = revoked.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        scope.Details["revoked_api_key_ids"] = string.Join(',', revoked);
        return revoked;
    });

    public ServiceAccountView CreateServiceAccount(Caller caller, CreateServiceAccountRequest request) =>
        operations.Change(caller, AuditEventTypes.ServiceAccountCreated, (session, scope) =>
        {
            caller.RequireProductAdmin("create service accounts");
            var name = Names.Validate(request.Name, "name");
            if (session.FindServiceAccount(name) is not null)
            {
                throw ServiceException.NameTaken("service account", name);
            }
            // The client id is the name: stable, readable in assertions and logs, unique per kind.
            var account = new ServiceAccountRecord(Guid.CreateVersion7().ToString("N"), name, request.Description, name, true, clock.GetUtcNow());
            session.InsertServiceAccount(account);
            scope.Details["service_account"] = name;
            return new ServiceAccountView(account, []);
        });

    public IReadOnlyList<ServiceAccountView> ListServiceAccounts(Caller caller) => operations.Read(caller, AuditEventTypes.ServiceAccountList, (session, _) =>
    {
        caller.RequireProductAdmin("list service accounts");
        return session.ListServiceAccounts().Select(a => new ServiceAccountView(a, session.ListServiceAccountKeys(a.Id))).ToList();
    });

    public ServiceAccountView GetServiceAccount(Caller caller, string accountRef) => operations.Read(caller, AuditEventTypes.ServiceAccountRead, (session, _) =>
    {
        var account = FindServiceAccount(session, accountRef);
        if (account.Id != caller.Principal.Id && !caller.ProductAdmin)
        {
            throw ServiceException.ProductAdminRequired("read service accounts");
        }
        return new ServiceAccountView(account, session.ListServiceAccountKeys(account.Id));
    });

    public ServiceAccountView SetServiceAccountEnabled(Caller caller, string accountRef, bool enabled) =>
        operations.Change(caller, enabled ? AuditEventTypes.ServiceAccountEnabled : AuditEventTypes.ServiceAccountDisabled, (session, scope) =>
        {
            caller.RequireProductAdmin("enable or disable service accounts");
            var account = ActiveServiceAccount(session, accountRef, scope);
            session.SetServiceAccountEnabled(account.Id, enabled);
            if (!enabled)
            {
                // For good: enabling the account again must not bring its old tokens back.
                scope.Details["access_tokens_revoked"] = session.RevokeAccessTokens(account.Id, keyId: null).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            return new ServiceAccountView(account with { Enabled = enabled }, session.ListServiceAccountKeys(account.Id));
        });

    public ServiceAccountKeyRecord AddServiceAccountKey(Caller caller, string accountRef, byte[] publicKey) =>
        operations.Change(caller, AuditEventTypes.ServiceAccountKeyAdded, (session, scope) =>
        {
            caller.RequireProductAdmin("register service account keys");
            var account = ActiveServiceAccount(session, accountRef, scope);
            var (spki, algorithm) = ServiceAccountPublicKey.Parse(publicKey);
            var fingerprint = Convert.ToHexStringLower(SHA256.HashData(spki));
            var keyId = fingerprint[..16];
            if (session.ListServiceAccountKeys(account.Id).Any(k => k.KeyId == keyId))
            {
                throw ServiceException.Conflict($"this key is already registered for '{account.Name}' as {keyId}");
            }
            var key = new ServiceAccountKeyRecord(keyId, account.Id, algorithm, spki, fingerprint, clock.GetUtcNow());
            session.InsertServiceAccountKey(key);
            scope.Details["key_id"] = keyId;
            scope.Details["fingerprint"] = fingerprint;
            return key;
        });

    public bool RemoveServiceAccountKey(Caller caller, string accountRef, string keyId) =>
        operations.Change(caller, AuditEventTypes.ServiceAccountKeyRemoved, (session, scope) =>
        {
            caller.RequireProductAdmin("remove service account keys");
            var account = FindServiceAccount(session, accountRef);
            scope.Details["service_account"] = account.Name;
            scope.Details["key_id"] = keyId;
            if (!session.DeleteServiceAccountKey(account.Id, keyId))
            {
                throw ServiceException.NotFound($"key '{keyId}' of '{account.Name}'");
            }
            // A key is removed because it may be compromised: what it obtained dies with it.
            scope.Details["access_tokens_revoked"] = session.RevokeAccessTokens(account.Id, keyId).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return true;
        });

    private UserRecord UpdateUser(Caller caller, string userRef, AuditEventType type, Func<UserRecord, UserRecord> change) =>
        operations.Change(caller, type, (session, scope) =>
        {
            caller.RequireProductAdmin("change users");
            var before = FindUser(session, userRef);
            scope.Details["user"] = before.Name;
            PrincipalResolver.RequireActive(before.ArchivedAt, "user", before.Name);
            var user = change(before);
            var stillAdministers = user.ProductAdmin && user.Enabled;
            if (before is { ProductAdmin: true, Enabled: true } && !stillAdministers
                && !session.ListUsers().Any(u => u.Id != user.Id && u.ProductAdmin && u.Enabled))
            {
                throw ServiceException.Conflict($"'{user.Name}' is the last enabled Product Admin; make another user Product Admin first");
            }
            session.UpdateUser(user);
            if (!user.Enabled)
            {
                RecordCascade(scope, session.RevokeApiKeysOfUser(user.Id));
            }
            return user;
        });

    private static void RecordCascade(OperationScope scope, IEnumerable<string> revokedIds)
    {
        var ids = string.Join(',', revokedIds);
        if (ids.Length > 0)
        {
            scope.Details["also_revoked_api_key_ids"] = ids;
        }
    }

    private static UserRecord TargetUser(IStoreSession session, Caller caller, string userRef, string operation)
    {
        if (caller.Principal.Kind != PrincipalKind.User && userRef.Length == 0)
        {
            throw ServiceException.InvalidArgument("user", "a service account has no API keys; name a user");
        }
        var user = FindUser(session, userRef.Length > 0 ? userRef : caller.Principal.Id);
        return user.Id == caller.Principal.Id || caller.ProductAdmin ? user : throw ServiceException.ProductAdminRequired(operation);
    }

    private static UserRecord FindUser(IStoreSession session, string userRef) =>
        session.FindUser(userRef) ?? throw ServiceException.NotFound($"user '{userRef}'");

    private static ServiceAccountRecord ActiveServiceAccount(IStoreSession session, string accountRef, OperationScope scope)
    {
        var account = FindServiceAccount(session, accountRef);
        scope.Details["service_account"] = account.Name;
        PrincipalResolver.RequireActive(account.ArchivedAt, "service account", account.Name);
        return account;
    }

    private static ServiceAccountRecord FindServiceAccount(IStoreSession session, string accountRef) =>
        session.FindServiceAccount(accountRef) ?? throw ServiceException.NotFound($"service account '{accountRef}'");
}
