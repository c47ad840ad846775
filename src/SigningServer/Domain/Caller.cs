using CodeSigning.Server.Audit;
using CodeSigning.Server.Storage;

namespace CodeSigning.Server.Domain;

/// <summary>An authenticated principal for the length of one call.</summary>
/// <param name="CredentialId">The API key or access token id in use.</param>
public sealed record Caller(Principal Principal, bool ProductAdmin, string CredentialId, DateTimeOffset CredentialExpiresAt, string RemoteAddress)
{
    public AuditEntry Event(string type, AuditClient? client = null) =>
        new(type, V1.AuditOutcome.Success, Principal, client ?? AuditClient.None, RemoteAddress);

    public void RequireProductAdmin(string operation)
    {
        if (!ProductAdmin)
        {
            throw ServiceException.ProductAdminRequired(operation);
        }
    }
}
