using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using CodeSigning.Server.Tests.Server;
using CodeSigning.Tests.Shared;
using CodeSigning.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;

namespace CodeSigning.Server.Tests.Security;

/// <summary>
/// The failed-authentication limit per claimed credential (issue 14, items 10 and 14): failures
/// spread over many addresses still lock the credential's failures out, a good credential is never
/// refused, and a failed assertion is audited with the client id it claimed. Each test calls from
/// its own loopback source addresses (127.0.0.x, all to the server on 127.0.0.1) so that the
/// per-address counts of one test do not touch another's.
/// </summary>
public sealed class ReviewRateLimitTests(ReviewRateLimitTests.Fixture fixture) : IClassFixture<ReviewRateLimitTests.Fixture>
{
    private const string Account = "limited-bot";

    public sealed class Fixture : InProcessServer
    {
        private readonly List<GrpcChannel> _channels = [];

        public ECDsa AccountKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        public string KeyId { get; private set; } = "";
        public string Audience { get; private set; } = "";

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            await Admin.Identity.CreateServiceAccountAsync(new CreateServiceAccountRequest { Name = Account });
            KeyId = (await Admin.Identity.AddServiceAccountKeyAsync(new AddServiceAccountKeyRequest
            {
                ServiceAccount = Account, PublicKey = ByteString.CopyFromUtf8(AccountKey.ExportSubjectPublicKeyInfoPem()),
            })).KeyId;
            Audience = (await As("none").Tokens.GetServerInfoAsync(new Empty())).TokenAudience;
        }

        /// <summary>Clients whose connections come from <paramref name="source"/> (a 127.0.0.x address).</summary>
        public Clients From(string source, string bearer)
        {
            var sockets = new SocketsHttpHandler
            {
                ConnectCallback = async (context, cancellationToken) =>
                {
                    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    try
                    {
                        socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
                        await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
            };
            var channel = GrpcChannel.ForAddress(Url, new GrpcChannelOptions { HttpHandler = new BearerHandler(bearer, sockets) });
            lock (_channels)
            {
                _channels.Add(channel);
            }
            return new Clients(channel);
        }

        public string Assertion(AsymmetricAlgorithm key) =>
            ServiceAccountAssertion.Create(Account, KeyId, key, Audience, TimeSpan.FromMinutes(2), Clock.GetUtcNow());

        public async Task<IReadOnlyList<AuditEvent>> EventsAsync() =>
            (await Admin.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest { PageSize = 1000 })).Events;
    }

    [Fact]
    public async Task Failures_on_one_api_key_from_ten_addresses_lock_out_its_failures_but_never_the_key_itself()
    {
        var (_, _, secret) = await fixture.CreateUserAsync("targeted");
        var id = secret.Split('_')[1];
        var wrong = $"csk_{id}_{new string('A', 43)}";
        var before = (await fixture.EventsAsync()).Count;

        for (var i = 0; i < 10; i++)
        {
            await Rpc.FailsAsync(() => fixture.From($"127.0.0.{10 + i}", wrong).Identity.WhoAmIAsync(new Empty()), StatusCode.Unauthenticated, "CREDENTIAL_INVALID");
        }
        await Rpc.FailsAsync(() => fixture.From("127.0.0.20", wrong).Identity.WhoAmIAsync(new Empty()), StatusCode.ResourceExhausted, "RATE_LIMITED");
        await Rpc.FailsAsync(() => fixture.From("127.0.0.21", wrong).Identity.WhoAmIAsync(new Empty()), StatusCode.ResourceExhausted, "RATE_LIMITED");
        // Another credential from that address is answered for itself: only the one id is limited.
        await Rpc.FailsAsync(() => fixture.From("127.0.0.20", "csk_0123456789ab_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").Identity.WhoAmIAsync(new Empty()),
            StatusCode.Unauthenticated, "CREDENTIAL_INVALID");
        // Whoever knows a key id cannot lock its holder out.
        Assert.Equal("targeted", (await fixture.From("127.0.0.20", secret).Identity.WhoAmIAsync(new Empty())).Principal.Name);

        var added = (await fixture.EventsAsync()).Skip(before).ToList();
        Assert.Equal(10, added.Count(e => e is { Type: "auth.failed", Reason: "CREDENTIAL_INVALID" } && e.Details["credential_id"] == id));
        var lockout = Assert.Single(added, e => e.Type == "auth.rate_limited");
        Assert.Equal(("credential", id, "127.0.0.20"), (lockout.Details["limited_by"], lockout.Details["credential_id"], lockout.RemoteAddress));
        Assert.Equal(12, added.Count);
    }

    [Fact]
    public async Task Failed_assertions_are_audited_with_the_client_id_they_claim_and_limited_per_client_without_refusing_a_good_one()
    {
        using var wrongKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var before = (await fixture.EventsAsync()).Count;

        for (var i = 0; i < 10; i++)
        {
            await Rpc.FailsAsync(() => fixture.From($"127.0.0.{30 + i}", "none").Tokens.ExchangeAssertionAsync(new ExchangeAssertionRequest { Assertion = fixture.Assertion(wrongKey) }),
                StatusCode.Unauthenticated, "ASSERTION_INVALID");
        }
        await Rpc.FailsAsync(() => fixture.From("127.0.0.40", "none").Tokens.ExchangeAssertionAsync(new ExchangeAssertionRequest { Assertion = fixture.Assertion(wrongKey) }),
            StatusCode.ResourceExhausted, "RATE_LIMITED");
        var token = await fixture.From("127.0.0.40", "none").Tokens.ExchangeAssertionAsync(new ExchangeAssertionRequest { Assertion = fixture.Assertion(fixture.AccountKey) });
        Assert.StartsWith("cst_", token.AccessToken, StringComparison.Ordinal);

        var added = (await fixture.EventsAsync()).Skip(before).ToList();
        var failed = added.Where(e => e.Type == "auth.failed").ToList();
        Assert.Equal(10, failed.Count);
        Assert.All(failed, e => Assert.Equal(("ASSERTION_INVALID", Account), (e.Reason, e.Details["claimed_client_id"])));
        Assert.All(failed, e => Assert.Null(e.Actor));
        var lockout = Assert.Single(added, e => e.Type == "auth.rate_limited");
        Assert.Equal(("credential", Account), (lockout.Details["limited_by"], lockout.Details["credential_id"]));
        Assert.Single(added, e => e.Type == "token.issued");
    }

    [Fact]
    public async Task A_claimed_client_id_is_audited_escaped_and_bounded()
    {
        var hostile = "evil\r\u001b[2Kbot" + new string('x', 300);
        var payload = Convert.ToBase64String(Encoding.UTF8.GetBytes(
            $$"""{"iss":"{{hostile.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\u001b", "\\u001b", StringComparison.Ordinal)}}","sub":"x"}""")).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var before = (await fixture.EventsAsync()).Count;

        await Rpc.FailsAsync(() => fixture.From("127.0.0.50", "none").Tokens.ExchangeAssertionAsync(new ExchangeAssertionRequest { Assertion = $"eyJhbGciOiJFUzI1NiJ9.{payload}.AAAA" }),
            StatusCode.Unauthenticated, "ASSERTION_INVALID");

        var failed = Assert.Single((await fixture.EventsAsync()).Skip(before));
        Assert.Equal("auth.failed", failed.Type);
        Assert.Equal("evil\\r\\x1b[2Kbot" + new string('x', 128 - 12) + "...", failed.Details["claimed_client_id"]);
    }
}
