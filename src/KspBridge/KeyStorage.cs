using CodeSigning.Ksp.Cng;
using CodeSigning.Ksp.Logging;
using CodeSigning.Pkcs11.Configuration;
using CodeSigning.Pkcs11.Logging;
using CodeSigning.Pkcs11.Mechanisms;
using CodeSigning.Pkcs11.Remote;
using CodeSigning.Pkcs11.Tokens;
using CodeSigning.V1;
using Microsoft.Extensions.Logging;

namespace CodeSigning.Ksp;

/// <summary>
/// What one provider handle talks to: the PKCS#11 module's configuration (same file, same
/// environment variables), server connection, credential, Signer list and remote signer. The keys
/// are the Signers the configured credential may see; whether it may sign is asked of the server
/// on every signature.
/// </summary>
public sealed class KeyStorage : IDisposable
{
    private static readonly string ClientName = $"codesign-ksp/{typeof(KeyStorage).Assembly.GetName().Version?.ToString(2)}";

    private readonly RemoteClient _remote;
    private readonly Credential _credential;
    private readonly TokenDirectory _tokens;
    private readonly RemoteSigner _signer;

    private KeyStorage(ModuleConfiguration configuration, Credential credential, TimeProvider time)
    {
        var logger = ProviderLogging.Logger;
        _remote = new RemoteClient(configuration, logger);
        this._credential = credential;
        _tokens = new TokenDirectory(configuration, _remote, credential, time, logger);
        _signer = new RemoteSigner(_remote, TimeSpan.FromSeconds(configuration.ApprovalWaitSeconds), time, logger, ClientName);
    }

    /// <summary>Reads the configuration as C_Initialize does (without pInitArgs: CODESIGN_PKCS11_CONFIG, then the default paths).</summary>
    public static KeyStorage Open(Func<string, string?> environment, TimeProvider time)
    {
        Credential? credential = null;
        try
        {
            var configuration = ConfigurationLoader.Load(null, environment);
            ProviderLogging.Configure(configuration);

            // No PIN prompt exists on this path (signtool asks for none), so the credential must be configured.
            credential = Credential.FromConfiguration(configuration.Auth, time)
                ?? throw new ConfigurationException("the KSP needs credentials: set \"auth\" in the configuration or CODESIGN_API_KEY");
            return new KeyStorage(configuration, credential, time);
        }
        catch (ConfigurationException ex)
        {
            (credential as IDisposable)?.Dispose();
            KspLog.ConfigurationRefused(ProviderLogging.Logger, ex.Message);
            throw new KspException(SECURITY_STATUS.NTE_PROVIDER_DLL_FAIL, ex.Message);
        }
    }

    /// <summary>One key per Signer the credential may see (and the `signers` allow-list admits), refreshed after `cache_ttl_seconds`.</summary>
    public IReadOnlyList<SignerSnapshot> Keys()
    {
        try
        {
            return [.. _tokens.List().Select(t => t.Snapshot!)];
        }
        catch (RemoteException ex)
        {
            throw KspErrors.From(ex, "listing the Signers failed");
        }
    }

    /// <summary>The key named <paramref name="name"/> (the Signer's name, or its id: the key's unique name).</summary>
    public SignerSnapshot Find(string name)
    {
        var keys = Keys();
        return keys.FirstOrDefault(s => s.Name == name) ?? keys.FirstOrDefault(s => s.Id == name)
            ?? throw new KspException(SECURITY_STATUS.NTE_BAD_KEYSET, $"no Signer named \"{DisplayText.Escape(name)}\" is visible to this credential");
    }

    public byte[] Sign(SignerSnapshot key, SignatureInput input)
    {
        try
        {
            return _signer.Sign(_credential.GetBearer(_remote), key.Id, key.Name, input.Scheme, input.DigestAlgorithm, input.Digest);
        }
        catch (RemoteException ex)
        {
            throw KspErrors.From(ex, $"signing with {key.Name} failed");
        }
    }

    public void Dispose()
    {
        _remote.Dispose();
        (_credential as IDisposable)?.Dispose();
    }
}
