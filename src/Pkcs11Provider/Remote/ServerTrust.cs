using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using CodeSigning.Pkcs11.Configuration;

namespace CodeSigning.Pkcs11.Remote;

/// <summary>TLS server validation against the configured CA file (or the system store when none).</summary>
internal static class ServerTrust
{
    public static RemoteCertificateValidationCallback? FromCaFile(string? caFile)
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

        return (_, certificate, _, errors) =>
        {
            if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
        };
    }
}
