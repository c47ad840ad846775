using System.Text.Json.Nodes;
using CodeSigning.Tests.Shared;
using CodeSigning.V1;
using Grpc.Net.Client;

namespace CodeSigning.Bench;

/// <summary>
/// The published codesign-server on loopback with TLS and its default durable audit, an operator
/// "bench" with an API key, and one Signer per algorithm named <c>bench-&lt;id&gt;</c>; the module
/// configuration that reaches them (named by CODESIGN_PKCS11_CONFIG in this process's C environment).
/// </summary>
public sealed class BenchServer : IAsyncDisposable
{
    public const string Operator = "bench";

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("codesign-bench-module-");

    private BenchServer(ServerProcess server) => Server = server;

    public ServerProcess Server { get; }

    public string OperatorKey { get; private set; } = "";

    /// <summary>The Signers by name, as created (public key and certificate chain included).</summary>
    public Dictionary<string, Signer> Signers { get; } = [];

    /// <summary>The module configuration file (mode 0600: it holds the operator's API key).</summary>
    public string ConfigPath => Path.Combine(_directory.FullName, "pkcs11.json");

    public static string SignerName(BenchAlgorithm algorithm) => $"bench-{algorithm.Id}";

    /// <param name="postgres">On a fresh database of the run's throwaway PostgreSQL cluster instead of SQLite.</param>
    /// <param name="database">On this PostgreSQL database instead (overrides <paramref name="postgres"/>).</param>
    /// <param name="signersPerAlgorithm">More than one gives each extra Signer the name <c>bench-&lt;id&gt;-&lt;n&gt;</c>.</param>
    public static async Task<BenchServer> StartAsync(IEnumerable<BenchAlgorithm> algorithms, bool postgres = false, string? database = null,
        int signersPerAlgorithm = 1)
    {
        var bench = new BenchServer(await ServerProcess.StartAsync(postgres: postgres, database: database).ConfigureAwait(false));
        try
        {
            using var admin = bench.Server.CreateChannel(bench.Server.AdminApiKey);
            var identity = new IdentityService.IdentityServiceClient(admin);
            await identity.CreateUserAsync(new CreateUserRequest { Name = Operator }).ConfigureAwait(false);
            bench.OperatorKey = (await identity.CreateApiKeyAsync(new CreateApiKeyRequest { User = Operator }).ConfigureAwait(false)).Secret;
            var signers = new SignerService.SignerServiceClient(admin);
            foreach (var (algorithm, n) in algorithms.SelectMany(a => Enumerable.Range(1, signersPerAlgorithm).Select(n => (a, n))))
            {
                var created = await signers.CreateSignerAsync(new CreateSignerRequest
                {
                    Name = n == 1 ? SignerName(algorithm) : $"{SignerName(algorithm)}-{n}",
                    KeyAlgorithm = algorithm.KeyAlgorithm,
                    CertificateAuthority = CertificateAuthorityKind.Internal,
                    Members =
                    {
                        new MemberSpec { Principal = new PrincipalRef { Kind = PrincipalKind.User, Name = "admin" }, Role = Role.Administrator },
                        new MemberSpec { Principal = new PrincipalRef { Kind = PrincipalKind.User, Name = Operator }, Role = Role.Operator },
                    },
                }).ConfigureAwait(false);
                bench.Signers.Add(created.Name, created);
            }
            bench.WriteModuleConfig();
            return bench;
        }
        catch
        {
            await bench.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A channel as the operator, trusting only this server's certificate.</summary>
    public GrpcChannel OperatorChannel() => Server.CreateChannel(OperatorKey);

    /// <summary>The server's process id, found by its data directory on its command line.</summary>
    public int ServerProcessId() => ProcessMemory.FindByArgument(Server.DataDir);

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync().ConfigureAwait(false);
        _directory.Delete(recursive: true);
    }

    private void WriteModuleConfig()
    {
        var config = new JsonObject
        {
            ["servers"] = new JsonArray(Server.Url.ToString()),
            ["tls_ca_file"] = Server.TlsCertificatePath,
            ["auth"] = new JsonObject { ["api_key"] = OperatorKey },
            ["log_level"] = "warning",
            ["log_file"] = Path.Combine(_directory.FullName, "module.log"),
        };
        File.WriteAllText(ConfigPath, config.ToJsonString());
        File.SetUnixFileMode(ConfigPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        NativeEnvironment.Set("CODESIGN_PKCS11_CONFIG", ConfigPath);
    }
}
