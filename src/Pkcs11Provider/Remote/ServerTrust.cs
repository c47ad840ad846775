using System.Security.Cryptography.X509Certificates;
using CodeSigning.Pkcs11.Configuration;

namespace CodeSigning.Pkcs11.Remote;

/// <summary>TLS server validation against the configured CA file (or the system store when none).</summary>
internal static class ServerTrust
{
    /// <summary>
    /// The chain policy SslStream validates the server with: only the CA file's certificates as
    /// roots. Given to SslStream itself, the chain is built once per handshake, not a second time
    /// in a validation callback.
    /// </summary>
    public static X509ChainPolicy? FromCaFile(string? caFile)
    {
        if (string.IsNullOrEmpty(caFile))
        {
            return null;
        }

        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(caFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new ConfigurationException($"tls_ca_file {caFile}: cannot be read: {ex.Message}");
        }

        if (roots.Count == 0)
        {
            throw new ConfigurationException($"tls_ca_file {caFile}: no PEM certificate in it");
        }

        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.AddRange(roots);
        return policy;
    }
}
