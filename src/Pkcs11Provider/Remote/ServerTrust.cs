using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using CodeSigning.Pkcs11.Configuration;
using CodeSigning.Pkcs11.Logging;
using Microsoft.Extensions.Logging;

namespace CodeSigning.Pkcs11.Remote;

/// <summary>
/// TLS server validation against the configured CA file (or the system store when none). A refused
/// certificate is logged with its cause: the gRPC error alone only says the connection failed.
/// </summary>
internal sealed class ServerTrust
{
    private readonly string? _caFile;
    private readonly X509Certificate2Collection _roots = [];

    private ServerTrust(string? caFile) => this._caFile = caFile;

    public static ServerTrust FromCaFile(string? caFile)
    {
        var trust = new ServerTrust(string.IsNullOrEmpty(caFile) ? null : caFile);
        if (trust._caFile is null)
        {
            return trust;
        }

        try
        {
            trust._roots.ImportFromPemFile(trust._caFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new ConfigurationException($"tls_ca_file {caFile}: cannot be read: {ex.Message}");
        }

        return trust._roots.Count == 0 ? throw new ConfigurationException($"tls_ca_file {caFile}: no PEM certificate in it") : trust;
    }

    /// <summary>
    /// The chain policy TLS builds the server's chain with: only the CA file's roots when there is one,
    /// so the chain is built once, by TLS, and the callback only reads its verdict.
    /// </summary>
    public X509ChainPolicy? ChainPolicy()
    {
        if (_caFile is null)
        {
            return null;
        }

        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.AddRange(_roots);
        return policy;
    }

    public RemoteCertificateValidationCallback For(Uri server, ILogger logger) => (_, certificate, chain, errors) =>
    {
        var problem = Problem(certificate, chain, errors);
        if (problem is not null)
        {
            ProviderLog.ServerCertificateRejected(logger, server, _caFile is null ? "the system trust store" : $"tls_ca_file {_caFile}", problem);
        }

        return problem is null;
    };

    /// <param name="chain">Built by TLS under <see cref="ChainPolicy"/> (or the system store when there is no CA file).</param>
    private static string? Problem(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            return "the server sent no certificate";
        }

        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return "its names do not include the host name in the server URL";
        }

        return errors == SslPolicyErrors.None ? null : ChainProblem(chain);
    }

    private static string ChainProblem(X509Chain? chain)
    {
        var statuses = chain?.ChainStatus.Select(s => s.Status.ToString()).Distinct().ToList() ?? [];
        return statuses.Count == 0 ? "its chain does not lead to a trusted root" : string.Join(", ", statuses);
    }
}
