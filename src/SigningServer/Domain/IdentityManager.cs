using System.Security.Cryptography;
using CodeSigning.Server.Auth;
using CodeSigning.Server.Storage;
using CodeSigning.V1;

namespace CodeSigning.Server.Domain;

/// <summary>Users, API keys, service accounts and their registered public keys.</summary>
public sealed class IdentityManager(Operations operations, ServerSettings settings, TimeProvider clock)
{
    public IReadOnlyList<GroupRecord> GroupsOf(Caller caller) =>
        operations.Read(caller, "identity.read", (session, _) => session.ListGroupsOf(caller.Principal.Id));

    /// <summary>Used by <c>init</c> too, where there is no caller yet.</summary>
    public static UserRecord InsertUser(IStoreSession session, string name, string displayName, string email, bool productAdmin, DateTimeOffset now)
    {
        Names.Validate(name, "name");
        if (session.FindUser(name) is not null)
        {
            throw ServiceException.NameTaken("user", name);
        }
        var user = new UserRecord(Guid.CreateVersion7().ToString("N"), name, displayName, email, productAdmin, true, now);
        session.InsertUser(user);
        return user;
    }

    /// <summary>Stores a new API key's salted hash; the returned secret exists nowhere else.</summary>
    public static (ApiKeyRecord Key, string Secret) InsertApiKey(IStoreSession session, UserRecord user, string description, TimeSpan ttl, DateTimeOffset now)
    {
        var secret = ApiKeySecrets.Generate(Authenticator.ApiKeyPrefix);
        var key = new ApiKeyRecord(secret.Id, user.Id, user.Name, description, secret.Salt, secret.Hash, now, now + ttl, null, false);
        session.InsertApiKey(key);
        return (key, secret.Secret);
    }

    public UserRecord CreateUser(Caller caller, CreateUserRequest request) => operations.Change(caller, "user.created", (session, scope) =>
    {
        caller.RequireProductAdmin("create users");
        var user = InsertUser(session, request.Name, request.DisplayName, request.Email, request.ProductAdmin, clock.GetUtcNow());
        scope.Details["user"] = user.Name;
        scope.Details["product_admin"] = user.ProductAdmin ? "true" : "false";
        return user;
    });

    public IReadOnlyList<UserRecord> ListUsers(Caller caller) => operations.Read(caller, "user.list", (session, _) =>
    {
        caller.RequireProductAdmin("list users");
        return session.ListUsers();
    });

    public UserRecord GetUser(Caller caller, string userRef) => operations.Read(caller, "user.read", (session, _) =>
    {
        var user = FindUser(session, userRef);
        return user.Id == caller.Principal.Id || caller.ProductAdmin ? user : throw ServiceException.ProductAdminRequired("read other users");
    });

    public UserRecord SetProductAdmin(Caller caller, string userRef, bool productAdmin) =>
        UpdateUser(caller, userRef, productAdmin ? "user.product_admin_granted" : "user.product_admin_revoked", u => u with { ProductAdmin = productAdmin });

    public UserRecord SetEnabled(Caller caller, string userRef, bool enabled) =>
        UpdateUser(caller, userRef, enabled ? "user.enabled" : "user.disabled", u => u with { Enabled = enabled });

    /// <summary>For good: disabled, API keys revoked, never enabled again; the record stays for the audit log and memberships.</summary>
    public UserRecord ArchiveUser(Caller caller, string userRef) =>
        UpdateUser(caller, userRef, "user.archived", u => u with { Enabled = false, ArchivedAt = clock.GetUtcNow() });

    public ServiceAccountView ArchiveServiceAccount(Caller caller, string accountRef) =>
        operations.Change(caller, "service_account.archived", (session, scope) =>
        {
            caller.RequireProductAdmin("archive service accounts");
            var account = ActiveServiceAccount(session, accountRef, scope);
            account = account with { Enabled = false, ArchivedAt = clock.GetUtcNow() };
            session.ArchiveServiceAccount(account.Id, account.ArchivedAt.Value);
            return new ServiceAccountView(account, session.ListServiceAccountKeys(account.Id));
        });

    public (ApiKeyRecord Key, string Secret) CreateApiKey(Caller caller, CreateApiKeyRequest request) => operations.Change(caller, "apikey.created", (session, scope) =>
    {
        var user = TargetUser(session, caller, request.User, "create API keys for other users");
        PrincipalResolver.RequireActive(user.ArchivedAt, "user", user.Name);
        var ttl = request.Ttl?.ToTimeSpan() ?? settings.ApiKeyDefaultTtl;
        if (ttl <= TimeSpan.Zero || ttl > settings.ApiKeyMaxTtl)
        {
            throw ServiceException.InvalidArgument("ttl", $"ttl must be positive and at most {settings.ApiKeyMaxTtl.TotalDays:0} days");
        }
        var created = InsertApiKey(session, user, request.Description, ttl, clock.GetUtcNow());
        scope.Details["api_key_id"] = created.Key.Id;
        scope.Details["user"] = user.Name;
        return created;
    });

    public IReadOnlyList<ApiKeyRecord> ListApiKeys(Caller caller, string userRef, bool includeRevoked) => operations.Read(caller, "apikey.list", (session, _) =>
    {
        var user = TargetUser(session, caller, userRef, "list other users' API keys");
        return session.ListApiKeys(user.Id).Where(k => includeRevoked || !k.Revoked).ToList();
    });

    public ApiKeyRecord RevokeApiKey(Caller caller, string apiKeyId) => operations.Change(caller, "apikey.revoked", (session, scope) =>
    {
        var key = session.FindApiKey(apiKeyId) ?? throw ServiceException.NotFound($"API key '{apiKeyId}'");
        if (key.UserId != caller.Principal.Id && !caller.ProductAdmin)
        {
            throw ServiceException.ProductAdminRequired("revoke other users' API keys");
        }
        session.RevokeApiKey(key.Id);
        scope.Details["api_key_id"] = key.Id;
        return key with { Revoked = true };
    });

    public ServiceAccountView CreateServiceAccount(Caller caller, CreateServiceAccountRequest request) =>
        operations.Change(caller, "service_account.created", (session, scope) =>
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

    public IReadOnlyList<ServiceAccountView> ListServiceAccounts(Caller caller) => operations.Read(caller, "service_account.list", (session, _) =>
    {
        caller.RequireProductAdmin("list service accounts");
        return session.ListServiceAccounts().Select(a => new ServiceAccountView(a, session.ListServiceAccountKeys(a.Id))).ToList();
    });

    public ServiceAccountView GetServiceAccount(Caller caller, string accountRef) => operations.Read(caller, "service_account.read", (session, _) =>
    {
        var account = FindServiceAccount(session, accountRef);
        if (account.Id != caller.Principal.Id && !caller.ProductAdmin)
        {
            throw ServiceException.ProductAdminRequired("read service accounts");
        }
        return new ServiceAccountView(account, session.ListServiceAccountKeys(account.Id));
    });

    public ServiceAccountView SetServiceAccountEnabled(Caller caller, string accountRef, bool enabled) =>
        operations.Change(caller, enabled ? "service_account.enabled" : "service_account.disabled", (session, scope) =>
        {
            caller.RequireProductAdmin("enable or disable service accounts");
            var account = ActiveServiceAccount(session, accountRef, scope);
            session.SetServiceAccountEnabled(account.Id, enabled);
            return new ServiceAccountView(account with { Enabled = enabled }, session.ListServiceAccountKeys(account.Id));
        });

    public ServiceAccountKeyRecord AddServiceAccountKey(Caller caller, string accountRef, byte[] publicKey) =>
        operations.Change(caller, "service_account.key_added", (session, scope) =>
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
        operations.Change(caller, "service_account.key_removed", (session, scope) =>
        {
            caller.RequireProductAdmin("remove service account keys");
            var account = FindServiceAccount(session, accountRef);
            scope.Details["service_account"] = account.Name;
            scope.Details["key_id"] = keyId;
            return session.DeleteServiceAccountKey(account.Id, keyId) ? true : throw ServiceException.NotFound($"key '{keyId}' of '{account.Name}'");
        });

    private UserRecord UpdateUser(Caller caller, string userRef, string type, Func<UserRecord, UserRecord> change) =>
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
                session.RevokeApiKeysOfUser(user.Id);
            }
            return user;
        });

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
