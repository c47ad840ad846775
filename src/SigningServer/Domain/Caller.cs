using CodeSigning.Server.Storage;

namespace CodeSigning.Server.Domain;

/// <summary>An authenticated principal for the length of one call.</summary>
/// <param name="CredentialId">The API key or access token id in use.</param>
public sealed record Caller(Principal Principal, bool ProductAdmin, string CredentialId, DateTimeOffset CredentialExpiresAt, string RemoteAddress)
{
    public void RequireProductAdmin(string operation)
    {
        if (!ProductAdmin)
        {
            throw ServiceException.ProductAdminRequired(operation);
        }
    }
}
