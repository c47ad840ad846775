using CodeSigning.Server.Audit;
using CodeSigning.Server.Domain;
using CodeSigning.Server.Storage;
using CodeSigning.V1;
using Grpc.Core;

namespace CodeSigning.Server.Auth;

/// <summary>
/// Turns the bearer credential of a call into a <see cref="Caller"/>, reading the store on every
/// call (a revoked key or disabled account is refused at once). Failures are audited and
/// rate-limited per remote address and per claimed credential id. The pipeline's
/// <see cref="CredentialAuthenticationHandler"/> calls it for every call that needs a caller; another
/// scheme holding a credential (the web console's cookie) calls it the same way.
/// </summary>
public sealed class Authenticator(IStore store, AuthFailureLimiter limiter, TimeProvider clock)
{
    private const string BearerScheme = "Bearer ";

    // last_used_at is for humans deciding which keys to revoke: a minute is precise enough, and
    // spares every call a write.
    private static readonly TimeSpan LastUseResolution = TimeSpan.FromMinutes(1);

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
            // A snapshot read: authenticating never waits for, nor holds up, a signature in progress.
            Caller caller;
            bool touch;
            using (var session = store.BeginRead())
            {
                (caller, touch) = prefix switch
                {
                    ApiKeySecrets.ApiKeyPrefix => FromApiKey(session, presented, credentialId, remoteAddress, now),
                    ApiKeySecrets.AccessTokenPrefix => (FromAccessToken(session, presented, credentialId, remoteAddress, now), false),
                    _ => throw Invalid("the credential is malformed"),
                };
            }
            if (touch)
            {
                using var session = store.Begin();
                session.TouchApiKey(credentialId, now);
                session.Commit();
            }
            return caller;
        }
        catch (ServiceException e)
        {
            throw limiter.Refuse(e, remoteAddress, null, ("credential_id", credentialId), now);
        }
    }

    /// <returns>The caller, and whether the key's last use is old enough to be worth a write.</returns>
    private static (Caller Caller, bool Touch) FromApiKey(IStoreSession session, string presented, string id, string remoteAddress, DateTimeOffset now)
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
        if (now >= key.ExpiresAt)
        {
            throw new ServiceException(StatusCode.Unauthenticated, ErrorReason.CredentialExpired, "the API key has expired");
        }
        var caller = new Caller(new Principal(PrincipalKind.User, user.Id, user.Name), user.ProductAdmin, key.Id, key.ExpiresAt, remoteAddress);
        return (caller, key.LastUsedAt is not { } used || now - used >= LastUseResolution);
    }

    private static Caller FromAccessToken(IStoreSession session, string presented, string id, string remoteAddress, DateTimeOffset now)
    {
        var token = session.FindAccessToken(id);
        if (token is null || !ApiKeySecrets.Verify(presented, token.Salt, token.Hash))
        {
            throw Invalid("unknown access token");
        }
        if (now >= token.ExpiresAt)
        {
            throw new ServiceException(StatusCode.Unauthenticated, ErrorReason.CredentialExpired, "the access token has expired; exchange a new assertion");
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
        return new Caller(new Principal(PrincipalKind.ServiceAccount, account.Id, account.Name), false, token.Id, token.ExpiresAt, remoteAddress);
    }

    private static ServiceException Invalid(string message) => new(StatusCode.Unauthenticated, ErrorReason.CredentialInvalid, message);
}
