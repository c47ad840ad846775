using CodeSigning.Server.Keys;
using CodeSigning.V1;
using Grpc.Core;

namespace CodeSigning.Server.Domain;

/// <summary>Keys says which vaults this server has; here is what a caller hears when one is missing.</summary>
public static class KeyVaultChoice
{
    /// <summary>The vault of that kind; empty means the server's default.</summary>
    /// <exception cref="ServiceException">FAILED_PRECONDITION / KEY_VAULT_NOT_CONFIGURED for the HSM vault of a server started
    /// without one; INVALID_ARGUMENT (field key_vault) for a kind no server has.</exception>
    public static IKeyVault Vault(this KeyVaults vaults, string kind)
    {
        try
        {
            return vaults.Get(kind);
        }
        catch (KeyVaultNotConfiguredException e)
        {
            throw e.IsKnownKind
                ? new ServiceException(StatusCode.FailedPrecondition, ErrorReason.KeyVaultNotConfigured, e.Message)
                : ServiceException.InvalidArgument("key_vault", e.Message);
        }
    }
}
