using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;
using CodeSigning.Server.Tests.Ca;
using CodeSigning.Tests.Shared;
using CodeSigning.V1;
using Google.Protobuf;

namespace CodeSigning.Server.Tests.Rest;

/// <summary>
/// docs/api.md cannot rot: its curl lines run, as written, with the real curl against the published
/// server, and together they cover every route of the contract.
/// </summary>
public sealed partial class RestRouteDocTests : IAsyncLifetime
{
    private static readonly string[] UnauthenticatedExtras = ["/healthz", "/readyz", "/metrics", "/openapi/v1.json"];

    private ServerProcess _server = null!;
    private DirectoryInfo _work = null!;

    public async Task InitializeAsync()
    {
        _server = await ServerProcess.StartAsync();
        _work = Directory.CreateTempSubdirectory("codesign-curl-");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _work.Delete(recursive: true);
    }

    [Fact]
    public async Task Every_route_has_a_curl_line_in_docs_api_md_and_each_runs()
    {
        var unannotated = RestRoute.All.Where(m => m.Routes.Count == 0).Select(m => m.Method.FullName).ToList();
        Assert.True(unannotated.Count == 0, "RPCs without a google.api.http option: " + string.Join(", ", unannotated));

        using var serviceAccountKey = RSA.Create(3072);
        var environment = Environment();
        environment["DIGEST"] = Convert.ToBase64String(SHA256.HashData("app.bin"u8));
        environment["SA_PUBLIC_KEY"] = Convert.ToBase64String(serviceAccountKey.ExportSubjectPublicKeyInfo());
        var audience = "";
        var covered = new HashSet<RestRoute>();
        var lines = BashBlocks(Section("Every route")).SelectMany(b => b.Split('\n')).Where(l => l.StartsWith("curl ", StringComparison.Ordinal)).ToList();
        Assert.True(lines.Count > 40, $"only {lines.Count} curl lines under 'Every route'");

        foreach (var line in lines)
        {
            var verb = line.Contains(" -X DELETE ", StringComparison.Ordinal) ? "DELETE"
                : line.Contains(" -X PUT ", StringComparison.Ordinal) ? "PUT"
                : line.Contains(" -d ", StringComparison.Ordinal) ? "POST" : "GET";
            var path = Variable().Replace(PathOf().Match(line).Groups[1].Value, "x");
            if (UnauthenticatedExtras.Contains(path))
            {
                var (extraExit, extraBody, extraStatus, extraError) = await Curl.RunLineAsync(line, environment, _work.FullName);
                Assert.True(extraExit == 0 && extraStatus == 200, $"{line}\n-> exit {extraExit}, HTTP {extraStatus}: {extraBody}{extraError}");
                Assert.Contains(path switch { "/healthz" => "ok", "/readyz" => "ready", "/metrics" => "# TYPE ", _ => "\"openapi\"" }, extraBody, StringComparison.Ordinal);
                continue;
            }
            var matching = RestRoute.All.SelectMany(m => m.Routes).Where(r => r.Matches(verb, path)).ToList();
            Assert.True(matching.Count == 1, $"{verb} {path}: {matching.Count} routes match ({line})");
            var route = matching[0];
            if (route.Method.Name == nameof(TokenService.TokenServiceClient.ExchangeAssertion))
            {
                environment["ASSERTION"] = ServiceAccountAssertion.Create("ci-build", environment["KEY_ID"], serviceAccountKey, audience, TimeSpan.FromMinutes(2), DateTimeOffset.UtcNow);
            }

            var (exitCode, body, status, stderr) = await Curl.RunLineAsync(line, environment, _work.FullName);
            var streamed = route.Method.IsServerStreaming && exitCode == 28 && line.Contains("--max-time", StringComparison.Ordinal);
            Assert.True((exitCode == 0 || streamed) && status is >= 200 and < 300, $"{line}\n-> {route}: exit {exitCode}, HTTP {status}: {body}{stderr}");

            // The answer is the RPC's response message in proto JSON, nothing more (unknown fields fail).
            var messages = (route.Method.IsServerStreaming ? body.Split('\n', StringSplitOptions.RemoveEmptyEntries) : [body])
                .Select(json => JsonParser.Default.Parse(json, route.Method.OutputType)).ToList();
            Assert.NotEmpty(messages);
            switch (messages[0])
            {
                case ServerInfo info:
                    audience = info.TokenAudience;
                    break;
                case CreateApiKeyResponse created:
                    environment["APPROVER_API_KEY"] = created.Secret;
                    environment["API_KEY_ID"] = created.ApiKey.Id;
                    break;
                case SigningRequest request when route.Method.Name == "CreateSigningRequest":
                    Assert.Equal(SigningRequestState.Pending, request.State);
                    environment["REQUEST_ID"] = request.Id;
                    break;
                case SigningRequest request:
                    Assert.Equal(route.Method.Name switch
                    {
                        "ApproveSigningRequest" => SigningRequestState.Approved,
                        "DenySigningRequest" => SigningRequestState.Denied,
                        "CancelSigningRequest" => SigningRequestState.Cancelled,
                        _ => SigningRequestState.Pending,
                    }, request.State);
                    break;
                case Grant grant when route.Method.Name == "CreateGrant":
                    environment["GRANT_ID"] = grant.Id;
                    break;
                case Webhook webhook:
                    environment["WEBHOOK_ID"] = webhook.Id;
                    break;
                case ServiceAccountKey saKey:
                    environment["KEY_ID"] = saKey.KeyId;
                    break;
                case GetCertificateSigningRequestResponse csr:
                    var (leaf, issuer) = Issue(csr.Pem);
                    environment["CERTIFICATE"] = Convert.ToBase64String(leaf);
                    environment["ISSUER_CERTIFICATE"] = Convert.ToBase64String(issuer);
                    break;
                case SignResponse signed:
                    Assert.NotEmpty(signed.Signature);
                    break;
                case ExchangeAssertionResponse token:
                    Assert.StartsWith("cst_", token.AccessToken, StringComparison.Ordinal);
                    break;
            }
            covered.Add(route);
        }

        var missing = RestRoute.All.SelectMany(m => m.Routes).Where(r => !covered.Contains(r)).Select(r => r.ToString()).ToList();
        Assert.True(missing.Count == 0, "routes without a curl line in docs/api.md: " + string.Join(", ", missing));
    }

    [Fact]
    public async Task Ci_block_signs_with_curl_and_openssl_only()
    {
        // What a Product Admin did once: the Signer, the service account with its key, its role.
        using var channel = _server.CreateChannel(_server.AdminApiKey);
        var signers = new SignerService.SignerServiceClient(channel);
        var identities = new IdentityService.IdentityServiceClient(channel);
        var create = new CreateSignerRequest { Name = "firmware-rsa", KeyAlgorithm = KeyAlgorithm.Rsa3072, CertificateAuthority = CertificateAuthorityKind.Internal };
        create.Members.Add(new MemberSpec { Principal = new PrincipalRef { Kind = PrincipalKind.User, Name = "admin" }, Role = Role.Administrator });
        create.Members.Add(new MemberSpec { Principal = new PrincipalRef { Kind = PrincipalKind.ServiceAccount, Name = "ci-build" }, Role = Role.Operator });
        await identities.CreateServiceAccountAsync(new CreateServiceAccountRequest { Name = "ci-build" });
        var signer = await signers.CreateSignerAsync(create);
        using var key = RSA.Create(3072);
        File.WriteAllText(Path.Combine(_work.FullName, "ci-build.key"), key.ExportPkcs8PrivateKeyPem());
        var registered = await identities.AddServiceAccountKeyAsync(new AddServiceAccountKeyRequest
        {
            ServiceAccount = "ci-build",
            PublicKey = ByteString.CopyFrom(key.ExportSubjectPublicKeyInfo()),
        });
        var data = RandomNumberGenerator.GetBytes(4096);
        File.WriteAllBytes(Path.Combine(_work.FullName, "app.bin"), data);

        var blocks = BashBlocks(Section("From CI with curl only")).ToList();
        Assert.Equal(2, blocks.Count);
        var environment = Environment();
        environment["KEY_ID"] = registered.KeyId;
        var (exitCode, stdout, stderr) = await Curl.BashAsync(blocks[1], environment, _work.FullName);
        Assert.True(exitCode == 0, $"exit {exitCode}: {stdout}{stderr}");

        using var leaf = X509CertificateLoader.LoadCertificate(signer.CertificateChain[0].ToByteArray());
        var signature = File.ReadAllBytes(Path.Combine(_work.FullName, "app.sig"));
        Assert.True(leaf.GetRSAPublicKey()!.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        var audit = new AuditService.AuditServiceClient(channel);
        var events = await audit.QueryAuditEventsAsync(new QueryAuditEventsRequest { Filter = new AuditFilter { Signer = "firmware-rsa", Types_ = { "signature.created" } } });
        Assert.Equal("ci-build", Assert.Single(events.Events).Actor.Name);
    }

    [Fact]
    public async Task Examples_under_rest_with_curl_run_as_written()
    {
        using var channel = _server.CreateChannel(_server.AdminApiKey);
        var signers = new SignerService.SignerServiceClient(channel);
        foreach (var (name, algorithm) in new[] { ("firmware-rsa", KeyAlgorithm.Rsa3072), ("mobile-app-prod", KeyAlgorithm.EcP256) })
        {
            var create = new CreateSignerRequest { Name = name, KeyAlgorithm = algorithm, CertificateAuthority = CertificateAuthorityKind.Internal };
            create.Members.Add(new MemberSpec { Principal = new PrincipalRef { Kind = PrincipalKind.User, Name = "admin" }, Role = Role.Administrator });
            await signers.CreateSignerAsync(create);
        }
        File.WriteAllBytes(Path.Combine(_work.FullName, "app.bin"), RandomNumberGenerator.GetBytes(4096));

        // The first block only sets SERVER, CA and the key, which the test provides for this server.
        var blocks = BashBlocks(Section("REST with curl")).ToList();
        Assert.StartsWith("SERVER=", blocks[0], StringComparison.Ordinal);
        var (exitCode, stdout, stderr) = await Curl.BashAsync(string.Join("\n", blocks.Skip(1)), Environment(), _work.FullName);

        Assert.True(exitCode == 0, $"exit {exitCode}: {stdout}{stderr}");
        Assert.Equal(2, Regex.Count(stdout + stderr, "^Verified OK$", RegexOptions.Multiline));
        Assert.Contains("\"reason\":\"ALGORITHM_NOT_SUPPORTED\"", stdout, StringComparison.Ordinal);
        Assert.Contains("\"name\": \"mobile-app-prod\"", stdout, StringComparison.Ordinal);
    }

    private Dictionary<string, string> Environment() => new(StringComparer.Ordinal)
    {
        ["SERVER"] = _server.Url.ToString().TrimEnd('/'),
        ["CA"] = _server.TlsCertificatePath!,
        ["CODESIGN_API_KEY"] = _server.AdminApiKey,
    };

    private static (byte[] Leaf, byte[] Issuer) Issue(string csrPem)
    {
        var csr = CertificateRequest.LoadSigningRequestPem(csrPem, HashAlgorithmName.SHA256);
        var now = DateTimeOffset.UtcNow;
        using var root = ExternalCa.CreateRoot("CN=Vendor Root", ECDsa.Create(ECCurve.NamedCurves.nistP256), now);
        using var leaf = root.IssueCodeSigning(csr.PublicKey.ExportSubjectPublicKeyInfo(), csr.SubjectName.Name, now.AddMinutes(-5), now.AddYears(1));
        return (leaf.RawData, root.Certificate.RawData);
    }

    /// <summary>The text under a second-level heading of docs/api.md, up to the next one.</summary>
    internal static string Section(string heading)
    {
        var text = File.ReadAllText(Path.Combine(ServerProcess.RepositoryRoot(), "docs", "api.md")).ReplaceLineEndings("\n");
        var start = text.IndexOf("\n## " + heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"docs/api.md has no section '{heading}'");
        var end = text.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        return end < 0 ? text[start..] : text[start..end];
    }

    internal static IEnumerable<string> BashBlocks(string section) => BashBlock().Matches(section).Select(m => m.Groups[1].Value);

    [GeneratedRegex("```bash\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex BashBlock();

    [GeneratedRegex("\"\\$SERVER(/[^\"?]*)")]
    private static partial Regex PathOf();

    [GeneratedRegex(@"\$[A-Z_]+")]
    private static partial Regex Variable();
}
