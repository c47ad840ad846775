using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CodeSigning.Server.Hosting;
using CodeSigning.Server.Tests.Ca;
using CodeSigning.Server.Tests.Keys;

namespace CodeSigning.Server.Tests.Hosting;

public sealed class ServerCertificateTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private string CertificatePath => Path.Combine(_directory.Path, "tls", "server.crt");

    private string KeyPath => Path.Combine(_directory.Path, "tls", "server.key");

    [Fact]
    public void Created_once_then_reused()
    {
        using var first = ServerCertificate.LoadOrCreate(_directory.Path);
        var pem = File.ReadAllText(CertificatePath);
        var key = File.ReadAllText(KeyPath);

        using var second = ServerCertificate.LoadOrCreate(_directory.Path);

        Assert.Equal(first.Sha256Fingerprint, second.Sha256Fingerprint);
        Assert.Equal(pem, File.ReadAllText(CertificatePath));
        Assert.Equal(key, File.ReadAllText(KeyPath));
        Assert.Equal(Path.GetFullPath(CertificatePath), second.CertificatePemPath);
    }

    [Fact]
    [UnsupportedOSPlatform("windows")] // file modes are a Unix concept
    public void KeyIsOwnerOnlyAndCertificateWorldReadable()
    {
        using var certificate = ServerCertificate.LoadOrCreate(_directory.Path);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            File.GetUnixFileMode(CertificatePath));
        Assert.Contains("-----BEGIN PRIVATE KEY-----", File.ReadAllText(KeyPath), StringComparison.Ordinal);
    }

    [Fact]
    public void Fingerprint_matches_openssl()
    {
        using var certificate = ServerCertificate.LoadOrCreate(_directory.Path);

        var result = ExternalTool.Run("openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", CertificatePath);

        Assert.True(result.ExitCode == 0, result.ToString());
        var openSsl = result.StandardOutput.Trim().Split('=')[1].Replace(":", "", StringComparison.Ordinal).ToLowerInvariant();
        Assert.Equal(openSsl, certificate.Sha256Fingerprint);
        Assert.Equal(64, certificate.Sha256Fingerprint.Length);
    }

    [Fact]
    public void Self_signed_certificate_is_for_tls_servers_on_this_machine()
    {
        using var server = ServerCertificate.LoadOrCreate(_directory.Path);
        var certificate = server.Certificate;

        Assert.True(certificate.HasPrivateKey);
        Assert.Equal(256, certificate.GetECDsaPublicKey()!.KeySize);
        var names = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["localhost", Dns.GetHostName()], names.EnumerateDnsNames().Distinct());
        Assert.Equal([IPAddress.Loopback, IPAddress.IPv6Loopback], names.EnumerateIPAddresses());
        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>();
        Assert.Equal(["1.3.6.1.5.5.7.3.1"], usages.Select(oid => oid.Value));
        Assert.InRange(certificate.NotAfter - certificate.NotBefore, TimeSpan.FromDays(730), TimeSpan.FromDays(732));
    }

    [Fact]
    public async Task Certificate_serves_a_tls_handshake()
    {
        using var server = ServerCertificate.LoadOrCreate(_directory.Path);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var accept = Task.Run(async () =>
        {
            using var socket = await listener.AcceptTcpClientAsync();
            await using var tls = new SslStream(socket.GetStream());
            await tls.AuthenticateAsServerAsync(server.Certificate);
            await tls.WriteAsync("ok"u8.ToArray());
        });
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        X509Certificate? presented = null;
        await using var clientTls = new SslStream(client.GetStream(), false, (_, certificate, _, _) =>
        {
            presented = certificate;
            return true;
        });
        await clientTls.AuthenticateAsClientAsync("localhost");
        var buffer = new byte[2];
        await clientTls.ReadExactlyAsync(buffer);
        await accept;

        Assert.Equal("ok"u8.ToArray(), buffer);
        Assert.Equal(server.Sha256Fingerprint, Convert.ToHexStringLower(SHA256.HashData(presented!.GetRawCertData())));
    }

    [Fact]
    public void Configured_pem_files_are_loaded()
    {
        var certificatePath = Path.Combine(_directory.Path, "custom.crt");
        var keyPath = Path.Combine(_directory.Path, "custom.key");
        var made = ExternalTool.Run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-subj", "/CN=signing.example.com", "-days", "1", "-keyout", keyPath, "-out", certificatePath);
        Assert.True(made.ExitCode == 0, made.ToString());

        using var certificate = ServerCertificate.Load(certificatePath, keyPath);

        Assert.Equal("CN=signing.example.com", certificate.Certificate.Subject);
        Assert.True(certificate.Certificate.HasPrivateKey);
        Assert.False(Directory.Exists(Path.Combine(_directory.Path, "tls")));
    }

    [Fact]
    public void Key_of_another_certificate_is_refused()
    {
        using (ServerCertificate.LoadOrCreate(_directory.Path))
        {
        }
        var otherKey = Path.Combine(_directory.Path, "other.key");
        using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            File.WriteAllText(otherKey, key.ExportPkcs8PrivateKeyPem());
        }

        var error = Assert.Throws<InvalidOperationException>(() => ServerCertificate.Load(CertificatePath, otherKey));

        Assert.StartsWith($"Cannot use {CertificatePath} with the key {otherKey} for TLS", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Key_file_without_key_is_refused()
    {
        using (ServerCertificate.LoadOrCreate(_directory.Path))
        {
        }

        var error = Assert.Throws<InvalidOperationException>(() => ServerCertificate.Load(CertificatePath, CertificatePath));

        Assert.StartsWith($"Cannot use {CertificatePath} with the key {CertificatePath} for TLS", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_file_is_refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ServerCertificate.Load(Path.Combine(_directory.Path, "absent.crt"), KeyPath));

        Assert.Equal($"The TLS file {Path.Combine(_directory.Path, "absent.crt")} does not exist.", error.Message);
    }

    [Fact]
    public void Key_without_certificate_is_refused_and_left_alone()
    {
        using (ServerCertificate.LoadOrCreate(_directory.Path))
        {
        }
        File.Delete(CertificatePath);
        var key = File.ReadAllText(KeyPath);

        var error = Assert.Throws<InvalidOperationException>(() => ServerCertificate.LoadOrCreate(_directory.Path));

        Assert.StartsWith($"{KeyPath} exists but {CertificatePath} does not", error.Message, StringComparison.Ordinal);
        Assert.Equal(key, File.ReadAllText(KeyPath));
        Assert.False(File.Exists(CertificatePath));
    }

    public void Dispose() => _directory.Dispose();
}
