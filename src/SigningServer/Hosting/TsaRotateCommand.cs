using CodeSigning.Server.Audit;
using CodeSigning.Server.Domain;
using CodeSigning.Server.Keys;
using CodeSigning.Server.Storage;
using CodeSigning.Server.Timestamping;

namespace CodeSigning.Server.Hosting;

/// <summary>
/// <c>codesign-server tsa-rotate</c>: a new timestamp authority key in the chosen vault and a new
/// certificate for it from the internal CA, replacing the stored one in one audited transaction.
/// Running servers and replicas sign with it within a minute; tokens already issued stay valid
/// under the old certificate, whose key is left where it is.
/// </summary>
public static class TsaRotateCommand
{
    public static int Run(DatabaseLocation location, string defaultVault, Pkcs11VaultOptions? hsm, TextWriter output)
    {
        ServerHost.RequireInitialized(location);
        using (var vaults = KeyVaults.Open(location.DataDir, defaultVault, hsm))
        {
            TimestampAuthorityIdentity identity;
            using (var session = location.Open().Begin())
            {
                var server = ServerIdentity.Load(session);
                identity = TimestampAuthorityIdentity.Create(session, vaults.Get(""), vaults.Software, server.Ca, new AuditLog(TimeProvider.System, ServerHost.AuditObservers()), "rotated", DateTimeOffset.UtcNow);
                session.Commit();
            }
            using var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(identity.Certificate);
            output.WriteLine($"timestamp authority certificate {certificate.SerialNumber} (key vault {identity.VaultKind}, valid until {certificate.NotAfter.ToUniversalTime():u}); running servers sign with it within a minute");
            return 0;
        }
    }
}
