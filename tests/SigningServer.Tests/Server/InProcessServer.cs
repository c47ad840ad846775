using System.Data.Common;
using System.Net;
using CodeSigning.Server.Domain;
using CodeSigning.Server.Hosting;
using CodeSigning.Server.Storage.Postgres;
using CodeSigning.Server.Storage.Sqlite;
using CodeSigning.Server.Tests.Keys;
using CodeSigning.Tests.Shared;
using CodeSigning.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace CodeSigning.Server.Tests.Server;

/// <summary>
/// The real server (Kestrel, gRPC, SQLite or PostgreSQL per <see cref="TestDatabase"/>, software
/// vault) in this process on 127.0.0.1:0 over h2c, with a clock the tests move. One per test
/// class: RSA key generation is slow.
/// </summary>
public class InProcessServer : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private readonly List<GrpcChannel> _channels = [];
    private WebApplication? _app;

    public ManualClock Clock { get; } = new();
    public string DataDir => _directory.Path;
    public string? Database { get; } = TestDatabase.Create();
    public string AdminApiKey { get; private set; } = "";
    public Uri Url { get; private set; } = null!;
    protected virtual ServerSettings Settings => new();

    public virtual async Task InitializeAsync()
    {
        var output = new StringWriter();
        Assert.Equal(0, InitCommand.Run(DataDir, "admin", output, TextWriter.Null, Database));
        AdminApiKey = output.ToString().Split('\n').Single(l => l.StartsWith("api-key: ", StringComparison.Ordinal))["api-key: ".Length..].Trim();
        await StartAsync();
    }

    /// <summary>Stops the server and starts a new one on the same data and port (clients keep working): what survives is what the store kept.</summary>
    public async Task RestartAsync()
    {
        await _app!.StopAsync();
        await _app.DisposeAsync();
        await StartAsync();
    }

    private async Task StartAsync()
    {
        var options = new ServerOptions(DataDir, IPAddress.Loopback, "127.0.0.1", _app is null ? 0 : Url.Port, Plaintext: true, null, null, Database);
        _app = ServerHost.Build(options, Settings, Clock, certificate: null, logging => logging.SetMinimumLevel(LogLevel.Warning));
        await _app.StartAsync();
        Url = ServerHost.ListeningUrl(_app, options);
    }

    public async Task DisposeAsync()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Npgsql.NpgsqlConnection.ClearAllPools();
        _directory.Dispose();
    }

    /// <summary>A connection to the server's database behind its back: for tests that play an attacker or a corrupted store.</summary>
    public DbConnection OpenDatabase()
    {
        DbConnection connection = Database is null
            ? new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(DataDir, SqliteStore.FileName)};Pooling=False")
            : new Npgsql.NpgsqlConnection(PostgresConnectionString.Parse(Database) + ";Pooling=False");
        connection.Open();
        return connection;
    }

    public Clients As(string bearer)
    {
        var channel = GrpcChannel.ForAddress(Url, new GrpcChannelOptions { HttpHandler = new BearerHandler(bearer, new SocketsHttpHandler()) });
        lock (_channels)
        {
            _channels.Add(channel);
        }
        return new Clients(channel);
    }

    public Clients Admin => As(AdminApiKey);

    /// <summary>A new user with an API key.</summary>
    public async Task<(User User, Clients Clients, string ApiKey)> CreateUserAsync(string name, bool productAdmin = false)
    {
        var user = await Admin.Identity.CreateUserAsync(new CreateUserRequest { Name = name, ProductAdmin = productAdmin });
        var key = await Admin.Identity.CreateApiKeyAsync(new CreateApiKeyRequest { User = name, Description = "test" });
        return (user, As(key.Secret), key.Secret);
    }

    /// <summary>A Signer from the internal CA whose members are the given users.</summary>
    public async Task<V1.Signer> CreateSignerAsync(string name, KeyAlgorithm algorithm, params (string User, Role Role)[] members)
    {
        var request = new CreateSignerRequest { Name = name, KeyAlgorithm = algorithm, CertificateAuthority = CertificateAuthorityKind.Internal };
        request.Members.AddRange(members.Select(m => new MemberSpec { Principal = UserRef(m.User), Role = m.Role }));
        return await Admin.Signers.CreateSignerAsync(request);
    }

    public static PrincipalRef UserRef(string name) => new() { Kind = PrincipalKind.User, Name = name };

    public static Duration Minutes(int minutes) => Duration.FromTimeSpan(TimeSpan.FromMinutes(minutes));
}
