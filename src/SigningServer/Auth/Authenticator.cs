using CodeSigning.Server.Audit;
using CodeSigning.Server.Domain;
using CodeSigning.Server.Storage;
using CodeSigning.V1;
using Grpc.Core;

namespace CodeSigning.Server.Auth;

/// <summary>
/// Turns the bearer credential of a call into a <see cref="Caller"/>. Every call reads the store's
/// authorization version; a credential verified under that same version is answered from a cache,
/// anything else from a snapshot of the store (a revoked key or disabled account is refused on the
/// very next call, on every replica). Failures are audited and rate-limited per remote address and
/// per claimed credential id. The pipeline's <see cref="CredentialAuthenticationHandler"/> calls it
/// for every call that needs a caller; another scheme holding a credential (the web console's
/// cookie) calls it the same way.
/// </summary>
public sealed class Authenticator(IStore store, AuthFailureLimiter limiter, TimeProvider clock)
{
    private const string BearerScheme = "Bearer ";

    // Credentials in use at once: clients, not calls. Beyond it the cache starts over.
    private const int MaxCachedCredentials = 10_000;

    // last_used_at is for humans deciding which keys to revoke: a minute is precise enough, and
    // spares every call a write.
    private static readonly TimeSpan LastUseResolution = TimeSpan.FromMinutes(1);

    private readonly AuthorizationCache<string, VerifiedCredential> _verified = new(MaxCachedCredentials);

    public Caller Authenticate(string? authorization, string remoteAddress)
    {
        var now = clock.GetUtcNow();
        string credentialId = "";
        try
        {
            if (authorization is null || !authorization.StartsWith(BearerScheme, StringComparison.OrdinalIgnoreCase))
            {
                throw Invalid("missing 'authorization: Bearer <credential>'");
            }
            var presented = authorization[BearerScheme.Length..].Trim();
            if (!ApiKeySecrets.TryParse(presented, out var prefix, out credentialId))
            {
                throw Invalid("the credential is malformed");
            }
            // The version alone first (one statement); a snapshot read only when the cache cannot
            // answer: authenticating never waits for, nor holds up, a signature in progress.
            var version = store.AuthorizationVersion();
            if (!_verified.TryGet(credentialId, version, out var credential))
            {
                using var session = store.BeginRead();
                version = session.AuthorizationVersion();
                credential = prefix switch
                {
                    ApiKeySecrets.ApiKeyPrefix => FromApiKey(session, presented, credentialId),
                    ApiKeySecrets.AccessTokenPrefix => FromAccessToken(session, presented, credentialId, now),
                    _ => throw Invalid("the credential is malformed"),
                };
                _verified.Set(credentialId, version, credential);
            }
            // The cache keeps the stored salt and hash only: the presented secret is checked on every call.
            if (!ApiKeySecrets.Verify(presented, credential.Salt, credential.Hash))
            {
                throw Invalid(prefix == ApiKeySecrets.ApiKeyPrefix ? "unknown API key" : "unknown access token");
            }
            if (now >= credential.Caller.CredentialExpiresAt)
            {
                throw prefix == ApiKeySecrets.ApiKeyPrefix
                    ? new ServiceException(StatusCode.Unauthenticated, ErrorReason.CredentialExpired, "the API key has expired")
                    : AccessTokenExpired();
            }
            if (prefix == ApiKeySecrets.ApiKeyPrefix && (credential.LastUsedAt is not { } used || now - used >= LastUseResolution))
            {
                using (var session = store.Begin())
                {
                    session.TouchApiKey(credentialId, now);
                    session.Commit();
                }
                _verified.Set(credentialId, version, credential with { LastUsedAt = now });
            }
            return credential.Caller with { RemoteAddress = remoteAddress, AuthorizationVersion = version };
        }
        catch (ServiceException e)
        {
            throw limiter.Refuse(e, remoteAddress, null, ("credential_id", credentialId), now);
        }
    }

    /// <summary>An API key whose hash matches and whose user may act; its expiry is checked by the caller.</summary>
    private static VerifiedCredential FromApiKey(IStoreSession session, string presented, string id)
    {
        var key = session.FindApiKey(id);
        if (key is null || !ApiKeySecrets.Verify(presented, key.Salt, key.Hash))
        {
            throw Invalid("unknown API key");
        }
        var user = session.FindUser(key.UserId) ?? throw Invalid("unknown API key");
        if (key.Revoked || !user.Enabled)
        {
            throw new ServiceException(StatusCode.Unauthenticated, ErrorReason.CredentialRevoked, "the API key was revoked or its user disabled");
        }
        var caller = new Caller(new Principal(PrincipalKind.User, user.Id, user.Name), user.ProductAdmin, key.Id, key.ExpiresAt, "");
        return new VerifiedCredential(key.Salt, key.Hash, caller, key.LastUsedAt);
    }

    /// <summary>An unexpired access token whose hash matches and whose account may act.</summary>
    private static VerifiedCredential FromAccessToken(IStoreSession session, string presented, string id, DateTimeOffset now)
    {
        var token = session.FindAccessToken(id);
        if (token is null || !ApiKeySecrets.Verify(presented, token.Salt, token.Hash))
        {
            throw Invalid("unknown access token");
        }
        if (now >= token.ExpiresAt)
        {
            throw AccessTokenExpired();
        }
        var account = session.FindServiceAccount(token.ServiceAccountId) ?? throw Invalid("unknown access token");
        if (!account.Enabled)
        {
            throw new ServiceException(StatusCode.Unauthenticated, ErrorReason.CredentialRevoked, "the service account is disabled");
        }
        if (token.Revoked)
        {
            throw new ServiceException(StatusCode.Unauthenticated, ErrorReason.CredentialRevoked,
                "the access token was revoked (the key that obtained it was removed, or the service account was disabled)");
        }
        var caller = new Caller(new Principal(PrincipalKind.ServiceAccount, account.Id, account.Name), false, token.Id, token.ExpiresAt, "");
        return new VerifiedCredential(token.Salt, token.Hash, caller, null);
    }

    private static ServiceException AccessTokenExpired() =>
        new(StatusCode.Unauthenticated, ErrorReason.CredentialExpired, "the access token has expired; exchange a new assertion");

    private static ServiceException Invalid(string message) => new(StatusCode.Unauthenticated, ErrorReason.CredentialInvalid, message);
}
