using System.Security.Cryptography;
using CodeSigning.Pkcs11.Configuration;

namespace CodeSigning.Pkcs11.Remote;

/// <summary>
/// A service account: proves possession of its private key with a short signed assertion and uses
/// the access token it gets back until shortly before that token expires.
/// </summary>
public sealed class ServiceAccountCredential : Credential, IDisposable
{
    private static readonly TimeSpan AssertionLifetime = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(1);

    private readonly string clientId;
    private readonly string? keyId;
    private readonly AsymmetricAlgorithm privateKey;
    private readonly TimeProvider time;
    private readonly Lock gate = new();
    private string? audience;
    private string? accessToken;
    private DateTimeOffset renewAt;

    public ServiceAccountCredential(string clientId, string? keyId, AsymmetricAlgorithm privateKey, TimeProvider time)
    {
        this.clientId = clientId;
        this.keyId = keyId;
        this.privateKey = privateKey;
        this.time = time;
    }

    public static ServiceAccountCredential FromConfiguration(ServiceAccountConfiguration account, TimeProvider time)
    {
        string pem;
        try
        {
            FilePermissions.RefuseIfShared(account.PrivateKeyFile, "holds a private key");
            pem = File.ReadAllText(account.PrivateKeyFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"private_key_file {account.PrivateKeyFile}: cannot be read: {ex.Message}");
        }

        return new ServiceAccountCredential(account.ClientId, account.KeyId, ImportKey(pem, account.PrivateKeyFile), time);
    }

    public override string GetBearer(RemoteClient client)
    {
        lock (gate)
        {
            if (accessToken is not null && time.GetUtcNow() < renewAt)
            {
                return accessToken;
            }

            audience ??= client.GetServerInfo().TokenAudience;
            var assertion = CodeSigning.V1.ServiceAccountAssertion.Create(clientId, keyId, privateKey, audience, AssertionLifetime, time.GetUtcNow());
            var response = client.ExchangeAssertion(assertion);
            accessToken = response.AccessToken;
            renewAt = response.ExpiresAt.ToDateTimeOffset() - RenewBefore;
            return accessToken;
        }
    }

    public void Dispose() => privateKey.Dispose();

    private static AsymmetricAlgorithm ImportKey(string pem, string path) =>
        CodeSigning.V1.ServiceAccountAssertion.ImportPrivateKey(pem)
        ?? throw new ConfigurationException($"private_key_file {path}: not an RSA or EC private key in PEM");
}
