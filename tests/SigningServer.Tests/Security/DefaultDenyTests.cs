using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CodeSigning.Server.Domain;
using CodeSigning.Server.Tests.Rest;
using CodeSigning.Server.Tests.Server;
using CodeSigning.V1;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;

namespace CodeSigning.Server.Tests.Security;

/// <summary>
/// Authentication is the pipeline's, not each method's (issue 15): every method of every service in
/// the contract, and every REST route bound to one, refuses a call without a credential with the
/// refusal the methods gave before (UNAUTHENTICATED / HTTP 401, CREDENTIAL_INVALID, audited), except
/// the named anonymous ones. The methods and routes come from the compiled descriptors, so a new one
/// is covered without being listed here.
/// </summary>
public sealed partial class DefaultDenyTests(DefaultDenyTests.Fixture fixture) : IClassFixture<DefaultDenyTests.Fixture>
{
    public sealed class Fixture : InProcessServer
    {
        // Every refusal below is a failed authentication from 127.0.0.1: far more than the default limit.
        protected override ServerSettings Settings => new() { AuthFailuresPerMinute = 1000 };
    }

    /// <summary>The anonymous methods, with what each answers a call that carries nothing.</summary>
    private static readonly Dictionary<string, (StatusCode Status, string? Reason)> Anonymous = new()
    {
        ["codesigning.v1.TokenService.GetServerInfo"] = (StatusCode.OK, null),
        // The method's own refusal of an empty assertion: it ran, the pipeline let the call through.
        ["codesigning.v1.TokenService.ExchangeAssertion"] = (StatusCode.Unauthenticated, "ASSERTION_INVALID"),
    };

    private static IEnumerable<MethodDescriptor> Methods => RestRoute.All.Select(m => m.Method);

    [Fact]
    public async Task Every_grpc_method_refuses_a_call_without_a_credential_but_the_anonymous_ones()
    {
        Assert.True(Methods.Count() > 50, $"only {Methods.Count()} methods found in the descriptors");
        Assert.All(Anonymous.Keys, name => Assert.Contains(Methods, m => m.FullName == name));
        using var channel = GrpcChannel.ForAddress(fixture.Url);
        var invoker = channel.CreateCallInvoker();
        var failedBefore = await CountAsync("auth.failed");
        var refused = 0;

        foreach (var method in Methods)
        {
            var (status, info) = await CallAsync(invoker, method);
            if (Anonymous.TryGetValue(method.FullName, out var expected))
            {
                Assert.True((expected.Status, expected.Reason) == (status, info?.Reason), $"{method.FullName}: {status} {info?.Reason}");
                continue;
            }
            Assert.True(status == StatusCode.Unauthenticated, $"{method.FullName} answered {status} to a call without a credential");
            Assert.Equal((ErrorDomain.Name, "CREDENTIAL_INVALID"), (info?.Domain, info?.Reason));
            refused++;
        }

        // Each refusal audited once, as when each method authenticated its caller itself; the
        // anonymous methods audit only their own failure (the empty assertion).
        Assert.Equal(failedBefore + refused + 1, await CountAsync("auth.failed"));
    }

    [Fact]
    public async Task Every_rest_route_refuses_a_request_without_a_credential_but_the_anonymous_ones()
    {
        var routes = RestRoute.All.SelectMany(m => m.Routes).ToList();
        Assert.True(routes.Count > 50, $"only {routes.Count} routes found in the descriptors");
        using var http = Http2Client();

        foreach (var route in routes)
        {
            var path = Variable().Replace(route.Template, "placeholder");
            using var request = new HttpRequestMessage(new HttpMethod(route.Verb), new Uri(fixture.Url, path))
            {
                Version = HttpVersion.Version20,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
                Content = route.Body.Length == 0 ? null : new StringContent("{}", Encoding.UTF8, "application/json"),
            };
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            if (Anonymous.TryGetValue(route.Method.FullName, out var expected))
            {
                Assert.True(expected.Reason is null ? response.StatusCode == HttpStatusCode.OK : body.Contains(expected.Reason, StringComparison.Ordinal),
                    $"{route}: {(int)response.StatusCode} {body}");
                continue;
            }
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{route}: {(int)response.StatusCode} {body}");
            using var json = JsonDocument.Parse(body);
            Assert.Equal(16, json.RootElement.GetProperty("code").GetInt32());
            Assert.Equal("missing 'authorization: Bearer <credential>'", json.RootElement.GetProperty("message").GetString());
            var detail = Assert.Single(json.RootElement.GetProperty("details").EnumerateArray());
            Assert.Equal("type.googleapis.com/google.rpc.ErrorInfo", detail.GetProperty("@type").GetString());
            Assert.Equal((ErrorDomain.Name, "CREDENTIAL_INVALID"), (detail.GetProperty("domain").GetString(), detail.GetProperty("reason").GetString()));
        }
    }

    [Fact]
    public async Task The_http_only_endpoints_stay_anonymous_and_an_unknown_path_stays_not_found()
    {
        using var http = Http2Client();
        foreach (var (path, text) in new[] { ("/healthz", "ok"), ("/readyz", "ready"), ("/metrics", "# TYPE "), ("/openapi/v1.json", "\"openapi\"") })
        {
            using var response = await http.GetAsync(new Uri(fixture.Url, path));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK && body.Contains(text, StringComparison.Ordinal), $"{path}: {(int)response.StatusCode} {body}");
        }
        // The default --tsa anonymous: an RFC 3161 answer (a rejection of the empty request), not a credential refusal.
        using var tsa = await http.PostAsync(new Uri(fixture.Url, "/tsa"), new ByteArrayContent([]));
        Assert.Equal((HttpStatusCode.OK, "application/timestamp-reply"), (tsa.StatusCode, tsa.Content.Headers.ContentType?.MediaType));
        using var unknown = await http.GetAsync(new Uri(fixture.Url, "/nothing-here"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    /// <summary>Calls a method with an empty request (a valid encoding of every message) and no metadata.</summary>
    private static async Task<(StatusCode Status, Google.Rpc.ErrorInfo? Info)> CallAsync(CallInvoker invoker, MethodDescriptor method)
    {
        var bytes = Marshallers.Create<byte[]>(b => b, b => b);
        var type = method.IsServerStreaming ? MethodType.ServerStreaming : MethodType.Unary;
        var call = new Method<byte[], byte[]>(type, method.Service.FullName, method.Name, bytes, bytes);
        try
        {
            if (method.IsServerStreaming)
            {
                using var stream = invoker.AsyncServerStreamingCall(call, null, new CallOptions(), []);
                await stream.ResponseStream.MoveNext(CancellationToken.None);
            }
            else
            {
                await invoker.AsyncUnaryCall(call, null, new CallOptions(), []);
            }
            return (StatusCode.OK, null);
        }
        catch (RpcException e)
        {
            return (e.StatusCode, e.GetRpcStatus()?.GetDetail<Google.Rpc.ErrorInfo>());
        }
    }

    private async Task<int> CountAsync(string type) =>
        (await fixture.Admin.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest { Filter = new AuditFilter { Types_ = { type } }, PageSize = 1000 })).Events.Count;

    /// <summary>The in-process server speaks h2c only: HTTP/2 with prior knowledge.</summary>
    private static HttpClient Http2Client() =>
        new() { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Variable();
}
