using System.Security.Cryptography.X509Certificates;
using CodeSigning.Cli.Configuration;
using CodeSigning.V1;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;

namespace CodeSigning.Cli.Connection;

/// <summary>
/// One channel to the server with the caller's credential attached, and a client per service.
/// TLS trusts the system roots, or only the configured CA file when there is one.
/// </summary>
internal sealed class ServerConnection : IDisposable
{
    private static readonly TimeSpan UnaryDeadline = TimeSpan.FromMinutes(2);

    private readonly GrpcChannel _channel;
    private readonly CallInvoker _invoker;

    private ServerConnection(string server, string? caFile, string? bearer)
    {
        if (!Uri.TryCreate(server, UriKind.Absolute, out var uri) || (uri.Scheme != "https" && uri.Scheme != "http"))
        {
            throw CliException.Usage($"server \"{server}\" is not an https:// (or, for tests, http://) URL");
        }

        Server = server;
        CaFile = caFile;
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(10),
            EnableMultipleHttp2Connections = true,
        };
        if (caFile is not null)
        {
            var policy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            policy.CustomTrustStore.AddRange(LoadCertificates(caFile));
            handler.SslOptions.CertificateChainPolicy = policy;
        }

        _channel = GrpcChannel.ForAddress(uri, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
        _invoker = _channel.Intercept(new CallDefaults(bearer, UnaryDeadline));
    }

    public string Server { get; }

    /// <summary>The PEM file the server's certificate is checked against; null for the system's roots.</summary>
    public string? CaFile { get; }

    public SignerService.SignerServiceClient Signers => new(_invoker);

    public MemberService.MemberServiceClient Members => new(_invoker);

    public IdentityService.IdentityServiceClient Identity => new(_invoker);

    public ApprovalService.ApprovalServiceClient Approvals => new(_invoker);

    public AuditService.AuditServiceClient Audit => new(_invoker);

    public SignService.SignServiceClient Signing => new(_invoker);

    public TokenService.TokenServiceClient Tokens => new(_invoker);

    public WebhookService.WebhookServiceClient Webhooks => new(_invoker);

    /// <summary>Connects with the credential the configuration names (a service account first trades its assertion for a token).</summary>
    public static async Task<ServerConnection> OpenAsync(CliConfiguration configuration, CancellationToken cancellationToken)
    {
        var server = configuration.Server
            ?? throw CliException.Usage("no server configured: run csign login --server URL ... or set CODESIGN_SERVER");
        if (configuration.ServiceAccount is { } serviceAccount)
        {
            using var anonymous = new ServerConnection(server, configuration.CaFile, bearer: null);
            var token = await ServiceAccountToken.ExchangeAsync(anonymous.Tokens, serviceAccount, cancellationToken).ConfigureAwait(false);
            return new ServerConnection(server, configuration.CaFile, token);
        }

        return new ServerConnection(server, configuration.CaFile, ApiKey(configuration));
    }

    public void Dispose() => _channel.Dispose();

    private static string ApiKey(CliConfiguration configuration)
    {
        if (configuration.ApiKey is not null)
        {
            return configuration.ApiKey;
        }

        if (configuration.ApiKeyFile is not null)
        {
            var key = File.ReadAllText(configuration.ApiKeyFile).Trim();
            return key.Length > 0 ? key : throw CliException.LocalIo($"API key file {configuration.ApiKeyFile} is empty");
        }

        throw CliException.Usage("no credential configured: run csign login ... or set CODESIGN_API_KEY");
    }

    private static X509Certificate2Collection LoadCertificates(string caFile)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPemFile(caFile);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw CliException.LocalIo($"CA file {caFile} holds no readable PEM certificate: {e.Message}");
        }

        return certificates.Count > 0 ? certificates : throw CliException.LocalIo($"CA file {caFile} holds no certificate");
    }
}
