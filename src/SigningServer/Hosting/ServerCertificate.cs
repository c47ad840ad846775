using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CodeSigning.Server.Hosting;

/// <summary>
/// The server's TLS certificate: the one configured, or a self-signed one made once in
/// <c>DIR/tls/</c> so a fresh install serves TLS at once (clients pin it by its fingerprint).
/// </summary>
public sealed class ServerCertificate : IDisposable
{
    private const string DirectoryName = "tls";
    private const string CertificateFileName = "server.crt";
    private const string KeyFileName = "server.key";
    private const string ServerAuthenticationOid = "1.3.6.1.5.5.7.3.1";

    private ServerCertificate(X509Certificate2 certificate, string certificatePemPath)
    {
        Certificate = certificate;
        CertificatePemPath = certificatePemPath;
        Sha256Fingerprint = Convert.ToHexStringLower(SHA256.HashData(certificate.RawData));
    }

    /// <summary>The certificate with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    public string CertificatePemPath { get; }

    /// <summary>Lowercase hex SHA-256 of the DER certificate, as <c>openssl x509 -fingerprint -sha256</c> shows it (without colons).</summary>
    public string Sha256Fingerprint { get; }

    /// <summary>Where <see cref="LoadOrCreate"/> keeps the self-signed certificate's private key.</summary>
    public static string KeyPathIn(string dataDir) => Path.Combine(dataDir, DirectoryName, KeyFileName);

    /// <summary>Loads <c>DIR/tls/server.crt</c> and <c>server.key</c>, creating them on first use.</summary>
    /// <exception cref="InvalidOperationException">Only one of the two files exists, or they cannot be loaded.</exception>
    public static ServerCertificate LoadOrCreate(string dataDir)
    {
        var directory = Path.Combine(dataDir, DirectoryName);
        var certificatePath = Path.Combine(directory, CertificateFileName);
        var keyPath = KeyPathIn(dataDir);
        var (hasCertificate, hasKey) = (File.Exists(certificatePath), File.Exists(keyPath));
        if (hasCertificate != hasKey)
        {
            var (present, missing) = hasCertificate ? (certificatePath, keyPath) : (keyPath, certificatePath);
            throw new InvalidOperationException($"{present} exists but {missing} does not; restore the missing file, or remove {present} to have a new self-signed certificate made.");
        }
        if (!hasCertificate)
        {
            Directory.CreateDirectory(directory);
            CreateSelfSigned(certificatePath, keyPath);
        }
        return Load(certificatePath, keyPath);
    }

    /// <summary>Loads a PEM certificate and its PEM private key (PKCS#8, or PKCS#1 / SEC1).</summary>
    /// <exception cref="InvalidOperationException">A file is missing, unreadable, or the key does not match the certificate.</exception>
    public static ServerCertificate Load(string certPemPath, string keyPemPath)
    {
        foreach (var path in new[] { certPemPath, keyPemPath })
        {
            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"The TLS file {path} does not exist.");
            }
        }
        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(certPemPath, keyPemPath);
            // A PKCS#12 round trip gives the key a form every TLS stack takes (Windows refuses ephemeral PEM keys).
            var certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
            return new ServerCertificate(certificate, Path.GetFullPath(certPemPath));
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            // ArgumentException: the key does not belong to the certificate.
            throw new InvalidOperationException($"Cannot use {certPemPath} with the key {keyPemPath} for TLS ({e.Message}); give a PEM certificate and its unencrypted PEM private key.", e);
        }
    }

    private static void CreateSelfSigned(string certificatePath, string keyPath)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var hostName = Dns.GetHostName();
        var request = new CertificateRequest($"CN={hostName}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        if (!string.Equals(hostName, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            names.AddDnsName(hostName);
        }
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerAuthenticationOid)], false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(2));

        WriteNew(keyPath, key.ExportPkcs8PrivateKeyPem(), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        WriteNew(certificatePath, certificate.ExportCertificatePem() + "\n",
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
    }

    /// <summary>Writes a file created with its final mode, so it is never readable more widely, even briefly.</summary>
    private static void WriteNew(string path, string content, UnixFileMode mode)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }
        using var writer = new StreamWriter(path, options);
        writer.Write(content);
    }

    public void Dispose() => Certificate.Dispose();
}
