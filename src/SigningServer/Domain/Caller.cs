using CodeSigning.Server.Audit;
using CodeSigning.Server.Storage;

namespace CodeSigning.Server.Domain;

/// <summary>An authenticated principal for the length of one call.</summary>
/// <param name="CredentialId">The API key or access token id in use.</param>
public sealed record Caller(Principal Principal, bool ProductAdmin, string CredentialId, DateTimeOffset CredentialExpiresAt, string RemoteAddress)
{
    /// <summary>The client the operations of this call are audited under (the web console names itself; API calls report none).</summary>
    public AuditClient Client { get; init; } = AuditClient.None;

    /// <summary>
    /// The store's authorization version the credential was checked under; authorization answers
    /// cached under the same version still hold (<see cref="AuthorizationCache{TKey, TValue}"/>). Null when unknown.
    /// </summary>
    public long? AuthorizationVersion { get; init; }

    public void RequireProductAdmin(string operation)
    {
        if (!ProductAdmin)
        {
            throw ServiceException.ProductAdminRequired(operation);
        }
    }
}
