namespace CodeSigning.Server.Keys;

/// <summary>
/// The vaults this server has configured: always the software vault (it also holds the internal
/// CA's keys), an HSM vault when <c>--hsm-module</c> is given, and which one new Signers use by default.
/// </summary>
public sealed class KeyVaults : IDisposable
{
    private readonly Dictionary<string, IKeyVault> _byKind;

    /// <param name="others">Further vaults by <see cref="IKeyVault.Kind"/>; one of kind "software" signs in
    /// place of <paramref name="software"/> (tests wrap the real vault to pause its key operation).</param>
    public KeyVaults(SoftwareKeyVault software, string defaultKind, params IKeyVault[] others)
    {
        Software = software;
        _byKind = new Dictionary<string, IKeyVault>(StringComparer.Ordinal) { [software.Kind] = software };
        foreach (var vault in others)
        {
            _byKind[vault.Kind] = vault;
        }
        DefaultKind = defaultKind;
        _ = Get(defaultKind);
    }

    /// <summary>The software vault of <paramref name="dataDir"/> and, when <paramref name="hsm"/> is given, the HSM vault it opens.</summary>
    /// <exception cref="InvalidOperationException">The HSM module, token or login failed.</exception>
    public static KeyVaults Open(string dataDir, string defaultKind, Pkcs11VaultOptions? hsm)
    {
        var hsmVault = hsm is null ? null : Pkcs11KeyVault.Open(hsm);
        try
        {
            return new KeyVaults(SoftwareKeyVault.Open(dataDir), defaultKind, hsmVault is null ? [] : [hsmVault]);
        }
        catch
        {
            hsmVault?.Dispose();
            throw;
        }
    }

    public SoftwareKeyVault Software { get; }

    /// <summary>The vault of Signers created without naming one.</summary>
    public string DefaultKind { get; }

    /// <summary>The vault of that kind; empty means <see cref="DefaultKind"/>.</summary>
    /// <exception cref="KeyVaultNotConfiguredException">This server has no such vault.</exception>
    public IKeyVault Get(string kind) => kind switch
    {
        "" => Get(DefaultKind),
        _ when _byKind.TryGetValue(kind, out var vault) => vault,
        Pkcs11KeyVault.VaultKind => throw new KeyVaultNotConfiguredException(kind,
            "this server has no HSM vault: start it with --hsm-module, --hsm-token and the HSM PIN"),
        _ => throw new KeyVaultNotConfiguredException(kind, $"unknown key vault '{kind}': use \"software\" or \"pkcs11\""),
    };

    /// <summary>Probes every configured vault (<see cref="IKeyVault.Probe"/>).</summary>
    /// <returns>Null when all answered; else the vault that did not, and why.</returns>
    public (IKeyVault Vault, Exception Error)? Probe()
    {
        foreach (var vault in _byKind.Values)
        {
            try
            {
                vault.Probe();
            }
            catch (Exception e)
            {
                return (vault, e);
            }
        }
        return null;
    }

    public void Dispose()
    {
        foreach (var vault in _byKind.Values.OfType<IDisposable>())
        {
            vault.Dispose();
        }
    }
}
