using System.Text.Json.Nodes;
using CodeSigning.Tests.Shared;
using CodeSigning.V1;

namespace CodeSigning.Pkcs11.Native.Tests;

/// <summary>
/// SoftHSM2 as the server's HSM: a fresh token, the published codesign-server started with
/// <c>--key-vault pkcs11</c> on it (PIN from <c>CODESIGN_HSM_PIN</c>), an operator "builder", an
/// RSA-2048 and a P-256 Signer whose keys the token generated, and one software Signer beside them.
/// </summary>
public sealed class HsmServerFixture : IAsyncLifetime
{
    public const string Operator = RealServerFixture.Operator;

    public SoftHsmToken Token { get; } = new();

    public ServerProcess Server { get; private set; } = null!;

    public Signer Rsa { get; private set; } = null!;

    public Signer P256 { get; private set; } = null!;

    public Signer Software { get; private set; } = null!;

    public DirectoryInfo Directory { get; } = System.IO.Directory.CreateTempSubdirectory("pkcs11-hsm-");

    public string ConfigPath => Path.Combine(Directory.FullName, "pkcs11.json");

    public async Task InitializeAsync()
    {
        // This process opens the same token directly to inspect the keys; SoftHSM2 reads the C environment.
        Token.UseInThisProcess();
        Server = await ServerProcess.StartAsync(
            serveArguments: ["--key-vault", "pkcs11", "--hsm-module", SoftHsmToken.ModulePath, "--hsm-token", SoftHsmToken.Label],
            environment: new Dictionary<string, string> { ["SOFTHSM2_CONF"] = Token.ConfigPath, ["CODESIGN_HSM_PIN"] = SoftHsmToken.UserPin });
        using var admin = Admin();
        var identity = new IdentityService.IdentityServiceClient(admin);
        await identity.CreateUserAsync(new CreateUserRequest { Name = Operator });
        var operatorKey = (await identity.CreateApiKeyAsync(new CreateApiKeyRequest { User = Operator })).Secret;
        var signers = new SignerService.SignerServiceClient(admin);
        Rsa = await signers.CreateSignerAsync(RealServerFixture.NewSigner("hsm-rsa", KeyAlgorithm.Rsa2048, keyVault: ""));
        P256 = await signers.CreateSignerAsync(RealServerFixture.NewSigner("hsm-p256", KeyAlgorithm.EcP256, keyVault: "pkcs11"));
        Software = await signers.CreateSignerAsync(RealServerFixture.NewSigner("soft-p256", KeyAlgorithm.EcP256, keyVault: "software"));
        TestFiles.WriteConfig(ConfigPath, new JsonObject
        {
            ["servers"] = new JsonArray(Server.Url.ToString()),
            ["tls_ca_file"] = Server.TlsCertificatePath,
            ["auth"] = new JsonObject { ["api_key"] = operatorKey },
            ["call_timeout_ms"] = 10000,
            ["retries"] = 1,
        });
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Token.Dispose();
        Directory.Delete(recursive: true);
    }

    public Grpc.Net.Client.GrpcChannel Admin() => Server.CreateChannel(Server.AdminApiKey);
}
