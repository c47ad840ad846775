using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using CodeSigning.Tests.Shared;
using CodeSigning.V1;
using Google.Protobuf.WellKnownTypes;

namespace CodeSigning.Server.Tests.Server;

/// <summary>The published binary: command line, TLS, health, REST transcoding, restart on the same data.</summary>
public sealed class PublishedServerTests : IAsyncLifetime
{
    private ServerProcess _server = null!;

    public async Task InitializeAsync() => _server = await ServerProcess.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Serves_grpc_health_and_rest_over_tls_and_survives_a_restart()
    {
        Assert.StartsWith("https://127.0.0.1:", _server.Url.ToString(), StringComparison.Ordinal);
        Assert.StartsWith("csk_", _server.AdminApiKey, StringComparison.Ordinal);
        var signers = new SignerService.SignerServiceClient(_server.CreateChannel(_server.AdminApiKey));
        var create = new CreateSignerRequest { Name = "rest-signer", KeyAlgorithm = KeyAlgorithm.EcP256, CertificateAuthority = CertificateAuthorityKind.Internal };
        create.Members.Add(new MemberSpec { Principal = new PrincipalRef { Kind = PrincipalKind.User, Name = "admin" }, Role = Role.Administrator });
        var signer = await signers.CreateSignerAsync(create);

        using var http = PinnedHttpClient();
        Assert.Equal("ok", await http.GetStringAsync(new Uri(_server.Url, "/healthz")));

        var digest = SHA256.HashData("over rest"u8);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_server.Url, "/v1/signers/rest-signer:sign"))
        {
            Content = JsonContent.Create(new { scheme = "SIGNATURE_SCHEME_ECDSA", digestAlgorithm = "DIGEST_ALGORITHM_SHA256", digest = Convert.ToBase64String(digest) }),
        };
        request.Headers.Authorization = new("Bearer", _server.AdminApiKey);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var signature = Convert.FromBase64String(json.RootElement.GetProperty("signature").GetString()!);
        using var leaf = X509CertificateLoader.LoadCertificate(signer.CertificateChain[0].ToByteArray());
        Assert.True(leaf.GetECDsaPublicKey()!.VerifyHash(digest, signature));

        var port = _server.Url.Port;
        await _server.RestartAsync();
        Assert.Equal(port, _server.Url.Port);
        var again = new SignerService.SignerServiceClient(_server.CreateChannel(_server.AdminApiKey));
        Assert.Equal(signer.Id, (await again.GetSignerAsync(new GetSignerRequest { Signer = "rest-signer" })).Id);
    }

    [Fact]
    public async Task Rest_errors_carry_the_status_and_reason()
    {
        using var http = PinnedHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_server.Url, "/v1/signers/missing"));
        request.Headers.Authorization = new("Bearer", _server.AdminApiKey);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("SIGNER_NOT_FOUND", body, StringComparison.Ordinal);

        using var anonymous = await http.GetAsync(new Uri(_server.Url, "/v1/signers"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task Init_on_an_initialized_directory_fails_and_changes_nothing_and_the_database_is_owner_only()
    {
        var database = Path.Combine(_server.DataDir, "codesign.db");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(database));
        }
        var before = SHA256.HashData(await File.ReadAllBytesAsync(database));
        var files = Directory.GetFiles(_server.DataDir, "*", SearchOption.AllDirectories).Order().ToArray();

        var (exitCode, _, stderr) = await RunAsync("init", "--data-dir", _server.DataDir);

        Assert.Equal(1, exitCode);
        Assert.Contains("already initialized", stderr, StringComparison.Ordinal);
        Assert.Equal(files, Directory.GetFiles(_server.DataDir, "*", SearchOption.AllDirectories).Order());
        Assert.Equal(before, SHA256.HashData(await File.ReadAllBytesAsync(database)));
        var whoami = await new IdentityService.IdentityServiceClient(_server.CreateChannel(_server.AdminApiKey)).WhoAmIAsync(new Empty());
        Assert.Equal("admin", whoami.Principal.Name);
    }

    [Fact]
    public async Task Plaintext_mode_serves_h2c_on_loopback()
    {
        await using var plaintext = await ServerProcess.StartAsync(plaintext: true, adminName: "root");
        Assert.Equal("http", plaintext.Url.Scheme);
        Assert.Null(plaintext.TlsCertificatePath);
        var whoami = await new IdentityService.IdentityServiceClient(plaintext.CreateChannel(plaintext.AdminApiKey)).WhoAmIAsync(new Empty());
        Assert.Equal(("root", true), (whoami.Principal.Name, whoami.ProductAdmin));
    }

    [Fact]
    public async Task Serves_with_a_configured_certificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=signing.example.com", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var certificatePath = Path.Combine(_server.DataDir, "own.crt");
        var keyPath = Path.Combine(_server.DataDir, "own.key");
        await File.WriteAllTextAsync(certificatePath, certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(keyPath, key.ExportPkcs8PrivateKeyPem());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var info = new ProcessStartInfo(ServerProcess.BinaryPath) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "--data-dir", _server.DataDir, "--listen", "127.0.0.1:0", "--tls-cert", certificatePath, "--tls-key", keyPath })
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info)!;
        try
        {
            var certificateLine = await process.StandardOutput.ReadLineAsync();
            var listeningLine = await process.StandardOutput.ReadLineAsync();
            Assert.Equal($"tls certificate: {certificatePath} sha256:{certificate.GetCertHashString(HashAlgorithmName.SHA256)}",
                certificateLine, StringComparer.OrdinalIgnoreCase);
            Assert.StartsWith("listening on https://127.0.0.1:", listeningLine, StringComparison.Ordinal);

            var expected = certificate.GetCertHashString(HashAlgorithmName.SHA256);
            using var http = new HttpClient(new SocketsHttpHandler
            {
                SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString(HashAlgorithmName.SHA256) == expected },
            });
            Assert.Equal("ok", await http.GetStringAsync(new Uri(new Uri(listeningLine!["listening on ".Length..]), "/healthz")));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Serving_an_uninitialized_directory_fails_and_creates_nothing()
    {
        var missing = Path.Combine(_server.DataDir, "not-initialized");
        var (exitCode, _, stderr) = await RunAsync("--data-dir", missing, "--listen", "127.0.0.1:0");
        Assert.Equal(1, exitCode);
        Assert.Contains("not initialized", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing));
    }

    [Theory]
    [InlineData("0.0.0.0:0")]
    [InlineData("10.1.2.3:0")]
    public async Task Plaintext_is_refused_off_loopback(string listen)
    {
        var (exitCode, _, stderr) = await RunAsync("--data-dir", _server.DataDir, "--listen", listen, "--plaintext");
        Assert.Equal(2, exitCode);
        Assert.Contains("loopback", stderr, StringComparison.Ordinal);
    }

    private HttpClient PinnedHttpClient()
    {
        var expected = X509Certificate2.CreateFromPem(File.ReadAllText(_server.TlsCertificatePath!)).GetCertHashString(HashAlgorithmName.SHA256);
        return new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString(HashAlgorithmName.SHA256) == expected },
        });
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo(ServerProcess.BinaryPath) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }
}
