using CodeSigning.Server.Audit;
using CodeSigning.Server.Domain;
using CodeSigning.Server.Storage;
using CodeSigning.V1;
using Grpc.Core;

namespace CodeSigning.Server.Auth;

/// <summary>
/// A service account trades a signed JWT assertion for a short-lived access token. Each
/// assertion works once: its jti is recorded, unique, for as long as the validator could still
/// accept the assertion (its exp plus the clock skew allowed).
/// </summary>
public sealed class TokenExchange(IStore store, AuditLog audit, AuthFailureLimiter limiter, ServerIdentity identity,
    ServerSettings settings, TimeProvider clock)
{
    public (string AccessToken, DateTimeOffset ExpiresAt) Exchange(string assertion, string remoteAddress)
    {
        var now = clock.GetUtcNow();
        Principal? actor = null;
        try
        {
            if (string.IsNullOrWhiteSpace(assertion))
            {
                throw Invalid("assertion is required");
            }
            using var session = store.Begin();
            ValidatedAssertion validated;
            try
            {
                validated = AssertionValidator.Validate(assertion, identity.TokenAudience, clientId =>
                    session.FindServiceAccountByClientId(clientId) is { } account
                        ? session.ListServiceAccountKeys(account.Id).Select(k => new RegisteredKey(k.KeyId, k.PublicKey)).ToList()
                        : [], now);
            }
            catch (AssertionException e)
            {
                throw Invalid(e.Message);
            }
            var account = session.FindServiceAccountByClientId(validated.ClientId) ?? throw Invalid("unknown client id");
            actor = new Principal(PrincipalKind.ServiceAccount, account.Id, account.Name);
            if (!account.Enabled)
            {
                throw new ServiceException(StatusCode.Unauthenticated, ErrorReason.CredentialRevoked, "the service account is disabled");
            }
            if (!session.TryRecordAssertionId(validated.ClientId, validated.Jti, validated.ExpiresAt + AssertionValidator.ClockSkew, now))
            {
                throw new ServiceException(StatusCode.Unauthenticated, ErrorReason.AssertionReplayed, "this assertion (jti) was already used; sign a new one");
            }
            var secret = ApiKeySecrets.Generate(ApiKeySecrets.AccessTokenPrefix);
            var expiresAt = now + settings.AccessTokenLifetime;
            session.InsertAccessToken(new AccessTokenRecord(secret.Id, account.Id, secret.Salt, secret.Hash, expiresAt, validated.KeyId, Revoked: false));
            var entry = new AuditEntry(AuditEventTypes.TokenIssued, AuditOutcome.Success, actor, AuditClient.None, remoteAddress);
            entry.Details["access_token_id"] = secret.Id;
            entry.Details["key_id"] = validated.KeyId;
            // Ties a later replay attempt (audited with the same jti) to this exchange.
            entry.Details["jti"] = validated.Jti;
            audit.Append(session, entry);
            session.Commit();
            return (secret.Secret, expiresAt);
        }
        catch (ServiceException e)
        {
            // Unverified, but it says whom the failures were aimed at (escaped and bounded).
            var claimedClientId = AssertionValidator.ClaimedClientId(assertion) ?? "";
            throw limiter.Refuse(e, remoteAddress, actor, ("claimed_client_id", claimedClientId), now);
        }
    }

    private static ServiceException Invalid(string message) => new(StatusCode.Unauthenticated, ErrorReason.AssertionInvalid, message);
}
