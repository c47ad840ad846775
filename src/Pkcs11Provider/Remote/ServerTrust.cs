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
    private readonly string? caFile;
    private readonly X509Certificate2Collection roots = [];

    private ServerTrust(string? caFile) => this.caFile = caFile;

    public static ServerTrust FromCaFile(string? caFile)
    {
        var trust = new ServerTrust(string.IsNullOrEmpty(caFile) ? null : caFile);
        if (trust.caFile is null)
        {
            return trust;
        }

        try
        {
            trust.roots.ImportFromPemFile(trust.caFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new ConfigurationException($"tls_ca_file {caFile}: cannot be read: {ex.Message}");
        }

        return trust.roots.Count == 0 ? throw new ConfigurationException($"tls_ca_file {caFile}: no PEM certificate in it") : trust;
    }

    public RemoteCertificateValidationCallback For(Uri server, ILogger logger) => (_, certificate, systemChain, errors) =>
    {
        var problem = Problem(certificate, systemChain, errors);
        if (problem is not null)
        {
            ProviderLog.ServerCertificateRejected(logger, server, caFile is null ? "the system trust store" : $"tls_ca_file {caFile}", problem);
        }

        return problem is null;
    };

    private string? Problem(X509Certificate? certificate, X509Chain? systemChain, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            return "the server sent no certificate";
        }

        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return "its names do not include the host name in the server URL";
        }

        if (caFile is null)
        {
            return errors == SslPolicyErrors.None ? null : ChainProblem(systemChain);
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData())) ? null : ChainProblem(chain);
    }

    private static string ChainProblem(X509Chain? chain)
    {
        var statuses = chain?.ChainStatus.Select(s => s.Status.ToString()).Distinct().ToList() ?? [];
        return statuses.Count == 0 ? "its chain does not lead to a trusted root" : string.Join(", ", statuses);
    }
}
