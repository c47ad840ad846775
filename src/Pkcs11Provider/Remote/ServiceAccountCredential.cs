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

    private readonly string _clientId;
    private readonly string? _keyId;
    private readonly AsymmetricAlgorithm _privateKey;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private string? _audience;
    private string? _accessToken;
    private DateTimeOffset _renewAt;

    public ServiceAccountCredential(string clientId, string? keyId, AsymmetricAlgorithm privateKey, TimeProvider time)
    {
        this._clientId = clientId;
        this._keyId = keyId;
        this._privateKey = privateKey;
        this._time = time;
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
        lock (_gate)
        {
            if (_accessToken is not null && _time.GetUtcNow() < _renewAt)
            {
                return _accessToken;
            }

            _audience ??= client.GetServerInfo().TokenAudience;
            var assertion = CodeSigning.V1.ServiceAccountAssertion.Create(_clientId, _keyId, _privateKey, _audience, AssertionLifetime, _time.GetUtcNow());
            var response = client.ExchangeAssertion(assertion);
            _accessToken = response.AccessToken;
            _renewAt = response.ExpiresAt.ToDateTimeOffset() - RenewBefore;
            return _accessToken;
        }
    }

    public void Dispose() => _privateKey.Dispose();

    private static AsymmetricAlgorithm ImportKey(string pem, string path) =>
        CodeSigning.V1.ServiceAccountAssertion.ImportPrivateKey(pem)
        ?? throw new ConfigurationException($"private_key_file {path}: not an RSA or EC private key in PEM");
}
