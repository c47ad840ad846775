using CodeSigning.Tests.Shared;
using CodeSigning.V1;

namespace CodeSigning.WebConsole.Tests;

/// <summary>
/// The published server with TLS, four users besides the bootstrap admin (an Operator, an
/// approver, an Auditor, and one whose text is hostile) each with an API key, and one browser.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    public ServerProcess Server { get; private set; } = null!;

    public Browser Browser { get; private set; } = null!;

    public Dictionary<string, string> Keys { get; } = [];

    public async Task InitializeAsync()
    {
        Server = await ServerProcess.StartAsync();
        Keys["admin"] = Server.AdminApiKey;
        using var admin = Server.CreateChannel(Server.AdminApiKey);
        var identity = new IdentityService.IdentityServiceClient(admin);
        foreach (var name in new[] { "olivia", "april", "audrey" })
        {
            await identity.CreateUserAsync(new CreateUserRequest { Name = name });
            Keys[name] = (await identity.CreateApiKeyAsync(new CreateApiKeyRequest { User = name })).Secret;
        }
        Browser = new Browser(Server.Url);
    }

    public async Task DisposeAsync()
    {
        Browser?.Dispose();
        await Server.DisposeAsync();
    }

    public Grpc.Net.Client.GrpcChannel Admin() => Server.CreateChannel(Server.AdminApiKey);

    /// <summary>The audit events of a Signer, read through the API as the admin.</summary>
    public async Task<List<AuditEvent>> EventsAsync(string signer)
    {
        using var admin = Admin();
        var response = await new AuditService.AuditServiceClient(admin).QueryAuditEventsAsync(new QueryAuditEventsRequest
        {
            Filter = new AuditFilter { Signer = signer },
            PageSize = 1000,
        });
        return [.. response.Events];
    }
}
