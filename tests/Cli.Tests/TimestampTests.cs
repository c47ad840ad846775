using System.Collections;
using System.Formats.Asn1;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using CodeSigning.Tests.Shared;

namespace CodeSigning.Cli.Tests;

/// <summary>
/// The server's RFC 3161 timestamp authority, driven by real clients: openssl + curl, jarsigner
/// through the published PKCS#11 module, osslsigncode, and .NET's own RFC 3161 client for the
/// protocol details (nonce, certReq, failInfo), on the published server.
/// </summary>
public sealed class TimestampTests(TimestampFixture fixture) : IClassFixture<TimestampFixture>, IDisposable
{
    private const string DefaultPolicy = "2.25.308899901043488322000532159101197415544";
    private const string TsaSubject = "CN=CodeSigning Timestamp Authority, O=CodeSigning";
    private const int BadAlg = 0;
    private const int BadDataFormat = 5;
    private const int UnacceptedPolicy = 15;
    private const int UnacceptedExtension = 16;

    private static readonly HttpClient Http = new();
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task An_openssl_query_sent_with_curl_verifies_against_the_root_ca()
    {
        await File.WriteAllTextAsync(_dir.File("data.txt"), "timestamped by openssl\n");
        await Ok("openssl", "ts", "-query", "-data", _dir.File("data.txt"), "-sha256", "-cert", "-out", _dir.File("q.tsq"));

        await Ok("curl", "-sS", "--fail", "-H", "Content-Type: application/timestamp-query", "--data-binary", "@" + _dir.File("q.tsq"),
            "-o", _dir.File("r.tsr"), fixture.PlainUrl.ToString());
        var verified = await Ok("openssl", "ts", "-verify", "-queryfile", _dir.File("q.tsq"), "-in", _dir.File("r.tsr"), "-CAfile", fixture.RootPem);
        var text = await Ok("openssl", "ts", "-reply", "-in", _dir.File("r.tsr"), "-text");

        Assert.Contains("Verification: OK", verified, StringComparison.Ordinal);
        Assert.Contains("Status: Granted.", text, StringComparison.Ordinal);
        Assert.Contains($"Policy OID: {DefaultPolicy}", text, StringComparison.Ordinal);
        Assert.Contains("Accuracy: 0x01 seconds", text, StringComparison.Ordinal);
        Assert.Contains("Hash Algorithm: sha256", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Openssl_reads_the_rejection_of_a_sha1_query()
    {
        await File.WriteAllTextAsync(_dir.File("data.txt"), "SHA-1 is refused\n");
        await Ok("openssl", "ts", "-query", "-data", _dir.File("data.txt"), "-sha1", "-out", _dir.File("q.tsq"));

        await Ok("curl", "-sS", "--fail", "-H", "Content-Type: application/timestamp-query", "--data-binary", "@" + _dir.File("q.tsq"),
            "-o", _dir.File("r.tsr"), fixture.PlainUrl.ToString());
        var text = await Ok("openssl", "ts", "-reply", "-in", _dir.File("r.tsr"), "-text");

        Assert.Contains("Status: Rejected.", text, StringComparison.Ordinal);
        Assert.Contains("Status description: SHA-1 message imprints are refused; ask for SHA-256, SHA-384 or SHA-512", text, StringComparison.Ordinal);
        Assert.Contains("Failure info: unrecognized or unsupported algorithm identifier", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Jarsigner_timestamps_through_the_module_and_verify_shows_the_timestamp()
    {
        await File.WriteAllTextAsync(_dir.File("hello.txt"), "hello\n");
        await Ok("jar", "cf", _dir.File("app.jar"), "-C", _dir.Path, "hello.txt");
        var environment = new Dictionary<string, string> { ["CODESIGN_PKCS11_CONFIG"] = Path.Combine(fixture.SetupDir, "pkcs11.json") };

        var (exitCode, output) = await ExternalTool.RunAsync(environment, "jarsigner", "-keystore", "NONE", "-storetype", "PKCS11",
            "-providerClass", "sun.security.pkcs11.SunPKCS11", "-providerArg", Path.Combine(fixture.SetupDir, "sunpkcs11.cfg"),
            "-storepass", "none", "-sigalg", "SHA256withRSA", "-tsa", fixture.PlainUrl.ToString(), _dir.File("app.jar"), TimestampFixture.Signer);
        Assert.True(exitCode == 0, output);
        await Ok("keytool", "-importcert", "-noprompt", "-alias", "codesign-root", "-file", fixture.RootPem,
            "-keystore", _dir.File("trust.p12"), "-storetype", "PKCS12", "-storepass", "changeit");
        var verified = await Ok("jarsigner", "-verify", "-verbose", "-certs", "-keystore", _dir.File("trust.p12"), "-storetype", "PKCS12", "-storepass", "changeit", _dir.File("app.jar"));

        Assert.Contains("jar verified.", verified, StringComparison.Ordinal);
        Assert.Contains("Timestamped by \"CN=CodeSigning Timestamp Authority, O=CodeSigning\"", verified, StringComparison.Ordinal);
        Assert.DoesNotContain("no timestamp", verified, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("do not include a timestamp", verified, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("app.exe")]
    [InlineData("script.ps1")]
    public async Task Osslsigncode_timestamps_a_pe_and_a_powershell_script(string name)
    {
        var input = _dir.File("in-" + name);
        if (name.EndsWith(".exe", StringComparison.Ordinal))
        {
            await Ok("perl", Path.Combine(ServerProcess.RepositoryRoot(), "tools", "softhsm-harness", "lib", "mkpe.pl"), input);
        }
        else
        {
            await File.WriteAllTextAsync(input, "Write-Output 'timestamped'\r\n");
        }
        // A throwaway code-signing identity: what is under test is the timestamp, not the signer.
        await Ok("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", _dir.File("key.pem"), "-out", _dir.File("cert.pem"),
            "-subj", "/CN=osslsigncode test", "-days", "2", "-addext", "extendedKeyUsage=codeSigning");

        await Ok("osslsigncode", "sign", "-certs", _dir.File("cert.pem"), "-key", _dir.File("key.pem"), "-h", "sha256",
            "-ts", fixture.PlainUrl.ToString(), "-in", input, "-out", _dir.File(name));
        var verified = await Ok("osslsigncode", "verify", "-CAfile", _dir.File("cert.pem"), "-TSA-CAfile", fixture.RootPem, "-in", _dir.File(name));

        Assert.Contains("Timestamp Server Signature verification: ok", verified, StringComparison.Ordinal);
        Assert.Contains("CN=CodeSigning Timestamp Authority", verified, StringComparison.Ordinal);
        Assert.Contains("Succeeded", verified, StringComparison.Ordinal);
    }

    /// <summary>Over the HTTPS port: the nonce comes back, and the certificates only when certReq asks for them.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_nonce_is_echoed_and_certreq_decides_the_certificates(bool certReq)
    {
        var hash = SHA384.HashData("nonce and certReq"u8);
        var nonce = RandomNumberGenerator.GetBytes(16);
        nonce[0] = 0x11;
        var request = Rfc3161TimestampRequest.CreateFromHash(hash, HashAlgorithmName.SHA384, nonce: nonce, requestSignerCertificates: certReq);
        using var https = HttpsClient();

        var (status, reply) = await PostAsync(https, new Uri(fixture.Server.Url, "/tsa"), request.Encode());
        var token = request.ProcessResponse(reply, out _);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(nonce, token.TokenInfo.GetNonce()!.Value.ToArray());
        Assert.Equal(hash, token.TokenInfo.GetMessageHash().ToArray());
        Assert.Equal(DefaultPolicy, token.TokenInfo.PolicyId.Value);
        Assert.Equal(1_000_000, token.TokenInfo.AccuracyInMicroseconds);
        var certificates = token.AsSignedCms().Certificates;
        Assert.Equal(certReq ? 3 : 0, certificates.Count);
        using var root = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(fixture.RootPem));
        X509Certificate2Collection? candidates = certReq ? null : [await TsaCertificateAsync(fixture.Server)];
        Assert.True(token.VerifySignatureForHash(hash, HashAlgorithmName.SHA384, out var signer, candidates));
        Assert.Equal(TsaSubject, signer!.Subject);
        var usage = Assert.Single(signer.Extensions.OfType<X509EnhancedKeyUsageExtension>());
        Assert.True(usage.Critical);
        Assert.Equal("1.3.6.1.5.5.7.3.8", Assert.Single(usage.EnhancedKeyUsages.Cast<Oid>()).Value);
        if (certReq)
        {
            Assert.Equal(new[] { root.Subject, TsaSubject, "CN=CodeSigning Issuing CA, O=CodeSigning" }.Order(), certificates.Select(c => c.Subject).Order());
        }
    }

    public static TheoryData<string, int> BadRequests => new()
    {
        { "garbage", BadDataFormat },
        { "sha1", BadAlg },
        { "md5", BadAlg },
        { "short-sha256", BadDataFormat },
        { "oversized", BadDataFormat },
        { "other-policy", UnacceptedPolicy },
        { "extension", UnacceptedExtension },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task A_bad_request_gets_a_pkistatus_rejection_with_its_failinfo_and_is_audited(string kind, int failInfoBit)
    {
        var body = kind switch
        {
            "garbage" => "this is not ASN.1 at all"u8.ToArray(),
            "sha1" => Rfc3161TimestampRequest.CreateFromHash(SHA1.HashData("x"u8), HashAlgorithmName.SHA1).Encode(),
            "md5" => Rfc3161TimestampRequest.CreateFromHash(new byte[16], new Oid("1.2.840.113549.2.5")).Encode(),
            "short-sha256" => Rfc3161TimestampRequest.CreateFromHash(new byte[20], new Oid("2.16.840.1.101.3.4.2.1")).Encode(),
            "oversized" => new byte[9000],
            "other-policy" => Rfc3161TimestampRequest.CreateFromHash(new byte[32], HashAlgorithmName.SHA256, requestedPolicyId: new Oid("1.2.3.4")).Encode(),
            "extension" => Rfc3161TimestampRequest.CreateFromHash(new byte[32], HashAlgorithmName.SHA256,
                extensions: [new X509Extension("1.2.3.5", [0x05, 0x00], false)]).Encode(),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        var (status, reply) = await PostAsync(Http, fixture.PlainUrl, body);

        Assert.Equal(HttpStatusCode.OK, status);
        var (pkiStatus, statusText, failInfo, token) = ParseReply(reply);
        Assert.Equal(2, pkiStatus);
        Assert.Equal([failInfoBit], failInfo);
        Assert.Null(token);
        Assert.False(string.IsNullOrEmpty(statusText));
        var audit = await fixture.Admin.OkAsync("audit", "query", "--type", "timestamp.rejected", "--json");
        Assert.Contains(statusText, audit, StringComparison.Ordinal);
    }

    /// <summary>Bit flips, truncations and garbage appended to a valid request: always HTTP 200 with a TimeStampResp.</summary>
    [Fact]
    public async Task Mutated_requests_always_get_a_timestamp_response_and_never_an_http_error()
    {
        var valid = Rfc3161TimestampRequest.CreateFromHash(new byte[32], HashAlgorithmName.SHA256, nonce: new byte[] { 1, 2, 3 }, requestSignerCertificates: true).Encode();
        var random = new Random(3161);
        var bodies = Enumerable.Range(0, 600).Select(i =>
        {
            var body = (byte[])valid.Clone();
            switch (i % 3)
            {
                case 0:
                    body[random.Next(body.Length)] ^= (byte)(1 << random.Next(8));
                    return body;
                case 1:
                    return body[..random.Next(body.Length)];
                default:
                    return [.. body, .. Enumerable.Range(0, random.Next(1, 40)).Select(_ => (byte)random.Next(256))];
            }
        }).ToList();

        var statuses = new List<int>();
        foreach (var chunk in bodies.Chunk(8))
        {
            foreach (var (status, reply) in await Task.WhenAll(chunk.Select(body => PostAsync(Http, fixture.PlainUrl, body))))
            {
                Assert.Equal(HttpStatusCode.OK, status);
                statuses.Add(ParseReply(reply).Status);
            }
        }

        Assert.All(statuses, status => Assert.True(status is 0 or 2, $"PKIStatus {status}"));
        Assert.Contains(2, statuses);
    }

    [Fact]
    public async Task Only_post_tsa_is_served_and_the_plain_listener_serves_nothing_else()
    {
        using var get = await Http.GetAsync(fixture.PlainUrl);
        using var health = await Http.GetAsync(new Uri(fixture.PlainUrl, "/healthz"));
        using var https = HttpsClient();
        using var healthOverTls = await https.GetAsync(new Uri(fixture.Server.Url, "/healthz"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, healthOverTls.StatusCode);
    }

    [Fact]
    public async Task Concurrent_requests_get_distinct_serials_which_stay_unique_after_a_restart_and_are_summarized_in_the_audit_log()
    {
        var before = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => SerialAsync(fixture.PlainUrl, i)));
        await fixture.Server.RestartAsync();
        var after = await Task.WhenAll(Enumerable.Range(200, 20).Select(i => SerialAsync(fixture.PlainUrl, i)));

        Assert.Equal(220, before.Concat(after).Distinct().Count());
        // One summary a second (--tsa-audit-interval 1): the 200 show up as counts, not as 200 events.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var summaries = ServerFixture.Json(await fixture.Admin.OkAsync("audit", "query", "--type", "timestamp.issued", "--json"));
        var counted = summaries.GetProperty("events").EnumerateArray().Sum(e => long.Parse(e.GetProperty("details").GetProperty("count").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(counted >= 20, $"the summaries count {counted} timestamps");
        Assert.True(summaries.GetProperty("events").GetArrayLength() < 50);
    }

    /// <summary>Two replicas on one PostgreSQL database: one TSA certificate, made once, and serials that never collide.</summary>
    [Fact]
    public async Task Replicas_share_one_tsa_certificate_and_never_hand_out_the_same_serial()
    {
        await using var first = await ServerProcess.StartAsync(postgres: true, serveArguments: ["--tsa-listen", "127.0.0.1:0"]);
        await using var second = await first.StartReplicaAsync();
        var firstUrl = first.TimestampUrl!;
        var secondUrl = second.TimestampUrl!;

        var serials = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => SerialAsync(i % 2 == 0 ? firstUrl : secondUrl, i)));

        Assert.Equal(300, serials.Distinct().Count());
        Assert.Equal((await TsaCertificateAsync(first)).Thumbprint, (await TsaCertificateAsync(second)).Thumbprint);
    }

    [Fact]
    public async Task Turned_off_there_is_no_endpoint()
    {
        await using var server = await ServerProcess.StartAsync(serveArguments: ["--tsa", "off"]);
        using var https = HttpsClient(server);

        var (status, _) = await PostAsync(https, new Uri(server.Url, "/tsa"), Rfc3161TimestampRequest.CreateFromHash(new byte[32], HashAlgorithmName.SHA256).Encode());

        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task Authenticated_mode_refuses_anonymous_callers_and_serves_api_keys()
    {
        await using var server = await ServerProcess.StartAsync(serveArguments: ["--tsa", "authenticated", "--tsa-listen", "127.0.0.1:0"]);
        var url = server.TimestampUrl!;
        var request = Rfc3161TimestampRequest.CreateFromHash(new byte[32], HashAlgorithmName.SHA256);

        var (anonymous, refusal) = await PostAsync(Http, url, request.Encode());
        using var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(request.Encode()) };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", server.AdminApiKey);
        using var authenticated = await Http.SendAsync(message);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous);
        Assert.StartsWith("CREDENTIAL_INVALID", System.Text.Encoding.UTF8.GetString(refusal), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, authenticated.StatusCode);
        request.ProcessResponse(await authenticated.Content.ReadAsByteArrayAsync(), out _);
    }

    [Fact]
    public async Task Anonymous_callers_are_rate_limited_per_address()
    {
        await using var server = await ServerProcess.StartAsync(serveArguments: ["--tsa-listen", "127.0.0.1:0", "--tsa-rate-limit", "3"]);
        var url = server.TimestampUrl!;
        var body = Rfc3161TimestampRequest.CreateFromHash(new byte[32], HashAlgorithmName.SHA256).Encode();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await PostAsync(Http, url, body)).Status);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task Tsa_rotate_issues_a_new_certificate_that_signs_after_a_restart()
    {
        await using var server = await ServerProcess.StartAsync(serveArguments: ["--tsa-listen", "127.0.0.1:0"]);
        var first = await TsaCertificateAsync(server);

        var (exitCode, output) = await server.RunCommandAsync(["tsa-rotate", "--data-dir", server.DataDir, .. server.DatabaseArguments]);
        Assert.True(exitCode == 0, output);
        await server.RestartAsync();
        var second = await TsaCertificateAsync(server);

        Assert.NotEqual(first.SerialNumber, second.SerialNumber);
        Assert.Contains(second.SerialNumber, output, StringComparison.Ordinal);
        Assert.Equal(first.Issuer, second.Issuer);
    }

    /// <summary>The certificate a fresh token is signed with, checked with the token's own certificates.</summary>
    [Theory]
    [InlineData(new[] { "--tsa", "sometimes" }, "--tsa 'sometimes' is not off, anonymous or authenticated")]
    [InlineData(new[] { "--tsa", "off", "--tsa-listen", "127.0.0.1:0" }, "--tsa-listen serves the timestamp authority, which --tsa off turns off")]
    [InlineData(new[] { "--tsa-listen", "nowhere" }, "--tsa-listen 'nowhere' is not HOST:PORT")]
    [InlineData(new[] { "--tsa-policy", "not.an.oid" }, "--tsa-policy 'not.an.oid' is not an object identifier")]
    [InlineData(new[] { "--tsa-rate-limit", "-1" }, "--tsa-rate-limit '-1' is not a whole number of at least 0")]
    [InlineData(new[] { "--tsa-audit-interval", "0" }, "--tsa-audit-interval '0' is not a whole number of at least 1")]
    public async Task Bad_tsa_options_stop_the_server_before_it_serves(string[] options, string message)
    {
        var (exitCode, output) = await fixture.Server.RunCommandAsync(
            ["--data-dir", fixture.Server.DataDir, .. fixture.Server.DatabaseArguments, "--listen", "127.0.0.1:0", .. options]);

        Assert.Equal(2, exitCode);
        Assert.Contains(message, output, StringComparison.Ordinal);
        Assert.DoesNotContain("listening on", output, StringComparison.Ordinal);
    }

    /// <summary>With <c>--key-vault pkcs11</c> the TSA key is made in the HSM token (SoftHSM2 here) and signs from there.</summary>
    [Fact]
    public async Task With_an_hsm_vault_the_tsa_key_lives_in_the_token()
    {
        using var token = new SoftHsmToken();
        var environment = new Dictionary<string, string> { ["SOFTHSM2_CONF"] = token.ConfigPath, ["CODESIGN_HSM_PIN"] = SoftHsmToken.UserPin };
        await using var server = await ServerProcess.StartAsync(environment: environment, serveArguments:
            ["--tsa-listen", "127.0.0.1:0", "--key-vault", "pkcs11", "--hsm-module", SoftHsmToken.ModulePath, "--hsm-token", SoftHsmToken.Label]);

        var certificate = await TsaCertificateAsync(server);
        var (exitCode, objects) = await ExternalTool.RunAsync(environment, "pkcs11-tool", "--module", SoftHsmToken.ModulePath, "--token-label", SoftHsmToken.Label,
            "--login", "--pin", SoftHsmToken.UserPin, "--list-objects", "--type", "privkey");

        Assert.Equal(TsaSubject, certificate.Subject);
        Assert.True(exitCode == 0, objects);
        Assert.Contains("codesign timestamp authority", objects, StringComparison.Ordinal);
    }

    private static async Task<X509Certificate2> TsaCertificateAsync(ServerProcess server)
    {
        var hash = new byte[32];
        var request = Rfc3161TimestampRequest.CreateFromHash(hash, HashAlgorithmName.SHA256, requestSignerCertificates: true);
        var (_, reply) = await PostAsync(Http, server.TimestampUrl!, request.Encode());
        Assert.True(request.ProcessResponse(reply, out _).VerifySignatureForHash(hash, HashAlgorithmName.SHA256, out var signer));
        return signer!;
    }

    private static async Task<string> SerialAsync(Uri url, int i)
    {
        var request = Rfc3161TimestampRequest.CreateFromHash(SHA256.HashData(BitConverter.GetBytes(i)), HashAlgorithmName.SHA256, nonce: BitConverter.GetBytes(i + 1));
        var (status, reply) = await PostAsync(Http, url, request.Encode());
        Assert.Equal(HttpStatusCode.OK, status);
        return Convert.ToHexString(request.ProcessResponse(reply, out _).TokenInfo.GetSerialNumber().Span);
    }

    private static async Task<(HttpStatusCode Status, byte[] Body)> PostAsync(HttpClient client, Uri url, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/timestamp-query");
        using var response = await client.PostAsync(url, content);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            Assert.Equal("application/timestamp-reply", response.Content.Headers.ContentType?.MediaType);
        }
        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync());
    }

    /// <summary>TimeStampResp read independently of the server's encoder: status, statusString, the failInfo bits set, the token.</summary>
    private static (int Status, string? Text, int[] FailInfo, byte[]? Token) ParseReply(byte[] reply)
    {
        var response = new AsnReader(reply, AsnEncodingRules.DER).ReadSequence();
        var statusInfo = response.ReadSequence();
        var status = (int)statusInfo.ReadInteger();
        string? text = null;
        if (statusInfo.HasData && statusInfo.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
        {
            text = statusInfo.ReadSequence().ReadCharacterString(UniversalTagNumber.UTF8String);
        }
        var failInfo = statusInfo.HasData ? statusInfo.ReadNamedBitList() : new BitArray(0);
        var token = response.HasData ? response.ReadEncodedValue().ToArray() : null;
        return (status, text, Enumerable.Range(0, failInfo.Length).Where(i => failInfo[i]).ToArray(), token);
    }

    private HttpClient HttpsClient() => HttpsClient(fixture.Server);

    private static HttpClient HttpsClient(ServerProcess server)
    {
        var expected = X509Certificate2.CreateFromPem(File.ReadAllText(server.TlsCertificatePath!)).GetCertHashString(HashAlgorithmName.SHA256);
        return new HttpClient(new SocketsHttpHandler
        {
            SslOptions = new System.Net.Security.SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    certificate is not null && string.Equals(certificate.GetCertHashString(HashAlgorithmName.SHA256), expected, StringComparison.OrdinalIgnoreCase),
            },
        });
    }

    private static async Task<string> Ok(string tool, params string[] args)
    {
        var (exitCode, output) = await ExternalTool.RunAsync(tool, args);
        Assert.True(exitCode == 0, $"{tool} {string.Join(' ', args)} exited {exitCode}: {output}");
        return output;
    }
}
