namespace CodeSigning.Server.Keys;

/// <summary>
/// This server has no vault of the kind asked for. An <see cref="InvalidOperationException"/>, so the
/// command line reports it as a start-up failure; Domain tells an API caller what it means for them.
/// </summary>
public sealed class KeyVaultNotConfiguredException(string kind, string message) : InvalidOperationException(message)
{
    public string Kind { get; } = kind;

    /// <summary>A vault this server can have (the HSM one) but was not started with, as opposed to a name it does not know.</summary>
    public bool IsKnownKind => Kind == Pkcs11KeyVault.VaultKind;
}
