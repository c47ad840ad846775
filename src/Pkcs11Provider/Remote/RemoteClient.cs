using CodeSigning.Pkcs11.Configuration;
using CodeSigning.Pkcs11.Logging;
using CodeSigning.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace CodeSigning.Pkcs11.Remote;

/// <summary>
/// Calls the servers of the configuration synchronously (the host thread calls the module
/// synchronously). A call that cannot reach a server is retried on the next one, up to `retries`
/// more attempts, all within `call_timeout_ms`; any answer from a server, even an error, is final.
/// </summary>
public sealed class RemoteClient : IDisposable
{
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(100);

    private readonly ServerConnection[] _servers;
    private readonly TimeSpan _callTimeout;
    private readonly int _retries;
    private readonly ILogger _logger;
    private int _preferred;

    public RemoteClient(ModuleConfiguration configuration, ILogger logger)
    {
        var trust = ServerTrust.FromCaFile(configuration.TlsCaFile);
        var connectTimeout = TimeSpan.FromMilliseconds(configuration.ConnectTimeoutMs);
        _servers = configuration.Servers.Select(url => new ServerConnection(new Uri(url), connectTimeout, trust, logger)).ToArray();
        _callTimeout = TimeSpan.FromMilliseconds(configuration.CallTimeoutMs);
        _retries = configuration.Retries;
        this._logger = logger;
    }

    public ServerInfo GetServerInfo() =>
        Invoke(null, (server, options) => server.Tokens.GetServerInfo(new Empty(), options));

    public ExchangeAssertionResponse ExchangeAssertion(string assertion) =>
        Invoke(null, (server, options) => server.Tokens.ExchangeAssertion(new ExchangeAssertionRequest { Assertion = assertion }, options));

    public IReadOnlyList<Signer> ListSigners(string bearer)
    {
        var signers = new List<Signer>();
        var request = new ListSignersRequest { PageSize = 100 };
        do
        {
            var page = Invoke(bearer, (server, options) => server.Signers.ListSigners(request, options));
            signers.AddRange(page.Signers);
            request = new ListSignersRequest { PageSize = 100, PageToken = page.NextPageToken };
        }
        while (request.PageToken.Length > 0);

        return signers;
    }

    public Signer GetSigner(string bearer, string signer) =>
        Invoke(bearer, (server, options) => server.Signers.GetSigner(new GetSignerRequest { Signer = signer }, options));

    public SignResponse Sign(string bearer, SignRequest request) =>
        Invoke(bearer, (server, options) => server.Signing.Sign(request, options));

    public SigningRequest CreateSigningRequest(string bearer, CreateSigningRequestRequest request) =>
        Invoke(bearer, (server, options) => server.Approvals.CreateSigningRequest(request, options));

    public SigningRequest GetSigningRequest(string bearer, string requestId) =>
        Invoke(bearer, (server, options) => server.Approvals.GetSigningRequest(new GetSigningRequestRequest { RequestId = requestId }, options));

    public void Dispose()
    {
        foreach (var server in _servers)
        {
            server.Dispose();
        }
    }

    private T Invoke<T>(string? bearer, Func<ServerConnection, CallOptions, T> call)
    {
        var headers = new Metadata();
        if (bearer is not null)
        {
            headers.Add("authorization", "Bearer " + bearer);
        }

        var deadline = DateTime.UtcNow + _callTimeout;
        var first = Volatile.Read(ref _preferred);
        for (var attempt = 0; ; attempt++)
        {
            var index = (first + attempt) % _servers.Length;
            var server = _servers[index];
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                var result = call(server, new CallOptions(headers, deadline));
                ModuleCounters.ServerCalled(started);
                Volatile.Write(ref _preferred, index);
                return result;
            }
            catch (RpcException ex)
            {
                ModuleCounters.ServerCalled(started);
                var failure = RemoteException.From(ex);
                var remaining = deadline - DateTime.UtcNow;
                if (!failure.IsUnreachable || attempt >= _retries || remaining <= RetryPause)
                {
                    if (failure.IsUnreachable)
                    {
                        ProviderLog.ServerUnreachable(_logger, server.Address, attempt + 1, failure.Message);
                    }

                    throw failure;
                }

                ProviderLog.RetryingServer(_logger, server.Address, failure.Status, failure.Message);
                Thread.Sleep(RetryPause);
            }
        }
    }
}
