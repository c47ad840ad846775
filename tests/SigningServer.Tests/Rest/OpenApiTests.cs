using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using CodeSigning.Tests.Shared;

namespace CodeSigning.Server.Tests.Rest;

/// <summary>The OpenAPI document the published server generates from the proto: every route, with sane parameters and schemas.</summary>
public sealed partial class OpenApiTests
{
    [Fact]
    public async Task The_served_document_lists_every_route_with_its_parameters_body_and_response_schema()
    {
        await using var server = await ServerProcess.StartAsync();
        using var http = server.CreateHttpClient();
        // Anonymous: the document describes the API, it reveals no data.
        using var response = await http.GetAsync(new Uri(server.Url, "/openapi/v1.json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = document.RootElement;
        Assert.StartsWith("3.", root.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        Assert.Equal("CodeSigning API", root.GetProperty("info").GetProperty("title").GetString());
        Assert.Equal("bearer", root.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString());
        var schemas = root.GetProperty("components").GetProperty("schemas");
        var paths = root.GetProperty("paths");

        var routes = RestRoute.All.SelectMany(m => m.Routes).ToList();
        Assert.NotEmpty(routes);
        foreach (var route in routes)
        {
            // OpenAPI names path variables by their JSON names: {request_id} is {requestId}.
            var template = PathVariable().Replace(route.Template, m => "{" + JsonName().Replace(m.Groups[1].Value, c => c.Groups[1].Value.ToUpperInvariant()) + "}");
            Assert.True(paths.TryGetProperty(template, out var path), $"{route}: no path {template}");
            Assert.True(path.TryGetProperty(route.Verb.ToLowerInvariant(), out var operation), $"{route}: no {route.Verb}");

            var pathParameters = PathVariable().Matches(template).Select(m => m.Groups[1].Value).ToHashSet();
            var declared = operation.TryGetProperty("parameters", out var parameters)
                ? parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "path").Select(p => p.GetProperty("name").GetString()!).ToHashSet()
                : [];
            Assert.True(pathParameters.SetEquals(declared), $"{route}: path parameters {string.Join(",", declared)}");

            Assert.True(route.Body.Length > 0 == operation.TryGetProperty("requestBody", out _), $"{route}: request body");

            var ok = operation.GetProperty("responses").GetProperty("200");
            var schema = ok.GetProperty("content").GetProperty("application/json").GetProperty("schema");
            var reference = schema.GetProperty("$ref").GetString()!;
            Assert.StartsWith("#/components/schemas/", reference, StringComparison.Ordinal);
            Assert.True(schemas.TryGetProperty(reference["#/components/schemas/".Length..], out _), $"{route}: {reference} is not in components");
        }
    }

    [GeneratedRegex(@"\{([^}]+)\}")]
    private static partial Regex PathVariable();

    [GeneratedRegex("_([a-z])")]
    private static partial Regex JsonName();
}
