using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using CodeSigning.Tests.Shared;
using CodeSigning.V1;
using Google.Protobuf;
using Grpc.Core;

namespace CodeSigning.Server.Tests.Rest;

/// <summary>The published server's <c>/metrics</c> (Prometheus text), <c>/healthz</c> and <c>/readyz</c>, as a scraper and a load balancer see them.</summary>
public sealed class MetricsAndHealthTests
{
    private const string SignMethod = "/codesigning.v1.SignService/Sign";

    [Fact]
    public async Task Metrics_count_signatures_denials_latency_group_commits_and_requests()
    {
        await using var server = await ServerProcess.StartAsync();
        using var http = server.CreateHttpClient();
        using var channel = server.CreateChannel(server.AdminApiKey);
        var create = new CreateSignerRequest { Name = "metered", KeyAlgorithm = KeyAlgorithm.EcP256, CertificateAuthority = CertificateAuthorityKind.Internal };
        create.Members.Add(new MemberSpec { Principal = Admin, Role = Role.Administrator });
        await new SignerService.SignerServiceClient(channel).CreateSignerAsync(create);
        var sign = new SignService.SignServiceClient(channel);

        var before = await ScrapeAsync(http, server);
        await sign.SignAsync(Request(SHA256.HashData("counted"u8)));
        var refused = await Assert.ThrowsAsync<RpcException>(() => sign.SignAsync(Request(new byte[31])).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        var after = await ScrapeAsync(http, server);

        double Delta(string name, params (string, string)[] labels) => Value(after, name, labels) - Value(before, name, labels);
        Assert.Equal(1, Delta("codesign_signatures_total", ("signer", "metered"), ("outcome", "signed")));
        Assert.Equal(1, Delta("codesign_signatures_total", ("signer", "metered"), ("outcome", "denied")));
        Assert.Equal(1, Delta("codesign_denials_total", ("reason", "DIGEST_LENGTH_INVALID"), ("method", SignMethod)));
        Assert.Equal(1, Delta("codesign_sign_duration_seconds_count", ("signer", "metered"), ("outcome", "signed")));
        Assert.Equal(1, Delta("codesign_sign_duration_seconds_bucket", ("signer", "metered"), ("outcome", "signed"), ("le", "+Inf")));
        Assert.True(Delta("codesign_sign_duration_seconds_sum", ("signer", "metered"), ("outcome", "signed")) > 0);
        // The signature and the refusal's audit event each went through the group committer.
        Assert.True(Delta("codesign_group_commit_batch_size_count") >= 2, after);
        Assert.Contains("# TYPE codesign_group_commit_batch_size histogram", after, StringComparison.Ordinal);

        var approvals = new ApprovalService.ApprovalServiceClient(channel);
        await approvals.SetApprovalPolicyAsync(new SetApprovalPolicyRequest { Signer = "metered", Policy = new ApprovalPolicy { ApprovalsRequired = 1, Approvers = { Admin } } });
        await approvals.CreateSigningRequestAsync(new CreateSigningRequestRequest { Signer = "metered", SignatureCount = 1, Window = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromHours(1)) });
        var requests = await ScrapeAsync(http, server);
        Assert.Equal(1, Value(requests, "codesign_approval_requests", ("state", "pending")));
        Assert.Equal(0, Value(requests, "codesign_approval_requests", ("state", "approved")));
        Assert.Contains("codesign_approval_requests{", requests, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Healthz_and_readyz_answer_anonymously()
    {
        await using var server = await ServerProcess.StartAsync();
        using var http = server.CreateHttpClient();
        Assert.Equal("ok", await http.GetStringAsync(new Uri(server.Url, "/healthz")));
        using var ready = await http.GetAsync(new Uri(server.Url, "/readyz"));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("ready", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Readyz_is_503_with_the_reason_while_the_store_is_unreachable_and_200_again_after()
    {
        await using var server = await ServerProcess.StartAsync(postgres: true);
        var database = new Uri(server.Database!).AbsolutePath.Trim('/');
        using var http = server.CreateHttpClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(server.Url, "/readyz"))).StatusCode);

        // The database refuses new connections and the server's open ones are cut: PostgreSQL down, as the server sees it.
        PostgresCluster.Shared.Execute($"ALTER DATABASE {database} WITH ALLOW_CONNECTIONS false");
        PostgresCluster.Shared.Execute($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'");
        try
        {
            using var down = await http.GetAsync(new Uri(server.Url, "/readyz"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
            Assert.Equal("store unreachable; the server log has the details\n", await down.Content.ReadAsStringAsync());
            // The console logger writes on a thread of its own: the line follows the answer closely.
            for (var waited = 0; waited < 50 && !server.StandardError.Contains("Not ready: store unreachable", StringComparison.Ordinal); waited++)
            {
                await Task.Delay(100);
            }
            Assert.Contains("Not ready: store unreachable", server.StandardError, StringComparison.Ordinal);
            Assert.Equal("ok", await http.GetStringAsync(new Uri(server.Url, "/healthz")));
        }
        finally
        {
            PostgresCluster.Shared.Execute($"ALTER DATABASE {database} WITH ALLOW_CONNECTIONS true");
        }
        using var back = await http.GetAsync(new Uri(server.Url, "/readyz"));
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
    }

    private static readonly PrincipalRef Admin = new() { Kind = PrincipalKind.User, Name = "admin" };

    private static SignRequest Request(byte[] digest) => new()
    {
        Signer = "metered",
        Scheme = SignatureScheme.Ecdsa,
        DigestAlgorithm = DigestAlgorithm.Sha256,
        Digest = ByteString.CopyFrom(digest),
    };

    private static async Task<string> ScrapeAsync(HttpClient http, ServerProcess server)
    {
        using var response = await http.GetAsync(new Uri(server.Url, "/metrics"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The sum of a metric's samples (<c>name{labels} value [timestamp]</c>) whose labels include all of <paramref name="labels"/> (0 when there is none).</summary>
    private static double Value(string scrape, string name, params (string Key, string Value)[] labels) =>
        scrape.Split('\n')
            .Where(line => line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal))
            .Where(line => labels.All(l => line.Contains($"{l.Key}=\"{l.Value}\"", StringComparison.Ordinal)))
            .Sum(line => double.Parse((line.Contains('}', StringComparison.Ordinal) ? line[(line.LastIndexOf('}') + 1)..] : line[name.Length..]).Trim().Split(' ')[0], CultureInfo.InvariantCulture));
}
