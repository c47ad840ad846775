using System.Text.Json.Nodes;
using CodeSigning.Tests.Shared;
using CodeSigning.V1;

namespace CodeSigning.Pkcs11.Native.Tests;

/// <summary>
/// The published codesign-server on loopback with TLS: an operator user "builder" (its API key in
/// the module configuration), an RSA-2048 and a P-256 Signer with the admin as Administrator.
/// </summary>
public sealed class RealServerFixture : IAsyncLifetime
{
    public const string Operator = "builder";

    public ServerProcess Server { get; private set; } = null!;

    public string OperatorKey { get; private set; } = "";

    public Signer Rsa { get; private set; } = null!;

    public Signer P256 { get; private set; } = null!;

    public DirectoryInfo Directory { get; } = System.IO.Directory.CreateTempSubdirectory("pkcs11-real-");

    public string ConfigPath => Path.Combine(Directory.FullName, "pkcs11.json");

    public string LogFile => Path.Combine(Directory.FullName, "module.log");

    public async Task InitializeAsync()
    {
        Server = await ServerProcess.StartAsync();
        using var admin = Server.CreateChannel(Server.AdminApiKey);
        var identity = new IdentityService.IdentityServiceClient(admin);
        await identity.CreateUserAsync(new CreateUserRequest { Name = Operator });
        OperatorKey = (await identity.CreateApiKeyAsync(new CreateApiKeyRequest { User = Operator })).Secret;
        var signers = new SignerService.SignerServiceClient(admin);
        Rsa = await signers.CreateSignerAsync(NewSigner("real-rsa", KeyAlgorithm.Rsa2048));
        P256 = await signers.CreateSignerAsync(NewSigner("real-p256", KeyAlgorithm.EcP256));
        WriteConfig(Config());
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(recursive: true);
    }

    public JsonObject Config() => new()
    {
        ["servers"] = new JsonArray(Server.Url.ToString()),
        ["tls_ca_file"] = Server.TlsCertificatePath,
        ["auth"] = new JsonObject { ["api_key"] = OperatorKey },
        ["call_timeout_ms"] = 5000,
        ["retries"] = 1,
        ["log_level"] = "information",
        ["log_file"] = LogFile,
    };

    public void WriteConfig(JsonObject config) => TestFiles.WriteConfig(ConfigPath, config);

    public string Log() => File.Exists(LogFile) ? File.ReadAllText(LogFile) : "";

    /// <summary>A channel as the Product Admin (who is each Signer's Administrator).</summary>
    public Grpc.Net.Client.GrpcChannel Admin() => Server.CreateChannel(Server.AdminApiKey);

    /// <summary>A Signer with the admin as Administrator and <see cref="Operator"/> as Operator; an empty vault is the server's default.</summary>
    public static CreateSignerRequest NewSigner(string name, KeyAlgorithm algorithm, string keyVault = "") => new()
    {
        Name = name,
        KeyAlgorithm = algorithm,
        KeyVault = keyVault,
        CertificateAuthority = CertificateAuthorityKind.Internal,
        Members =
        {
            new MemberSpec { Principal = new PrincipalRef { Kind = PrincipalKind.User, Name = "admin" }, Role = Role.Administrator },
            new MemberSpec { Principal = new PrincipalRef { Kind = PrincipalKind.User, Name = Operator }, Role = Role.Operator },
        },
    };
}
