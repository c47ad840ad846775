using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CodeSigning.Tests.Shared;
using CodeSigning.V1;

namespace CodeSigning.Server.Tests.Rest;

/// <summary>Refusals over the new routes: the HTTP status of the gRPC code, the google.rpc.Status body with its ErrorInfo, nothing changed, the failure audited.</summary>
public sealed class RestErrorTests : IAsyncLifetime
{
    private ServerProcess _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await ServerProcess.StartAsync();
        _http = _server.CreateHttpClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Refusals_carry_http_status_status_json_and_error_info()
    {
        await RefusedAsync(HttpMethod.Get, "/v1/users/nobody", _server.AdminApiKey, null, HttpStatusCode.NotFound, 5, "NOT_FOUND");
        await RefusedAsync(HttpMethod.Delete, "/v1/groups/nobody", _server.AdminApiKey, null, HttpStatusCode.NotFound, 5, "NOT_FOUND");
        await RefusedAsync(HttpMethod.Post, "/v1/groups", _server.AdminApiKey, new { name = "" }, HttpStatusCode.BadRequest, 3, "INVALID_ARGUMENT");
        await RefusedAsync(HttpMethod.Get, "/v1/whoami", null, null, HttpStatusCode.Unauthorized, 16, "CREDENTIAL_INVALID");
        await RefusedAsync(HttpMethod.Post, "/v1/token:exchange", null, new { assertion = "not.a.jwt" }, HttpStatusCode.Unauthorized, 16, "ASSERTION_INVALID");

        using var channel = _server.CreateChannel(_server.AdminApiKey);
        Assert.Empty((await new MemberService.MemberServiceClient(channel).ListGroupsAsync(new ListGroupsRequest())).Groups);
        var audit = await new AuditService.AuditServiceClient(channel).QueryAuditEventsAsync(new QueryAuditEventsRequest
        {
            Filter = new AuditFilter { Outcome = AuditOutcome.Denied },
        });
        Assert.Equal(["CREDENTIAL_INVALID", "ASSERTION_INVALID"], audit.Events.Where(e => e.Type == "auth.failed").Select(e => e.Reason));
        Assert.Contains(audit.Events, e => e.Type == "group.created" && e.Reason == "INVALID_ARGUMENT");
    }

    private async Task RefusedAsync(HttpMethod method, string path, string? bearer, object? body, HttpStatusCode status, int code, string reason)
    {
        using var request = new HttpRequestMessage(method, new Uri(_server.Url, path)) { Content = body is null ? null : JsonContent.Create(body) };
        if (bearer is not null)
        {
            request.Headers.Authorization = new("Bearer", bearer);
        }
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{method} {path}: {(int)response.StatusCode} {text}");
        using var json = JsonDocument.Parse(text);
        Assert.Equal(code, json.RootElement.GetProperty("code").GetInt32());
        var detail = Assert.Single(json.RootElement.GetProperty("details").EnumerateArray());
        Assert.Equal("type.googleapis.com/google.rpc.ErrorInfo", detail.GetProperty("@type").GetString());
        Assert.Equal("codesigning.v1", detail.GetProperty("domain").GetString());
        Assert.Equal(reason, detail.GetProperty("reason").GetString());
    }
}
