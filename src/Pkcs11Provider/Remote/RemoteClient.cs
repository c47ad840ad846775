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
    private Authorization? _authorization;

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
        Invoke(null, (server, options) => server.Tokens.GetServerInfoAsync(new Empty(), options));

    public ExchangeAssertionResponse ExchangeAssertion(string assertion) =>
        Invoke(null, (server, options) => server.Tokens.ExchangeAssertionAsync(new ExchangeAssertionRequest { Assertion = assertion }, options));

    public IReadOnlyList<Signer> ListSigners(string bearer)
    {
        var signers = new List<Signer>();
        var request = new ListSignersRequest { PageSize = 100 };
        do
        {
            var page = Invoke(bearer, (server, options) => server.Signers.ListSignersAsync(request, options));
            signers.AddRange(page.Signers);
            request = new ListSignersRequest { PageSize = 100, PageToken = page.NextPageToken };
        }
        while (request.PageToken.Length > 0);

        return signers;
    }

    public Signer GetSigner(string bearer, string signer) =>
        Invoke(bearer, (server, options) => server.Signers.GetSignerAsync(new GetSignerRequest { Signer = signer }, options));

    public SignResponse Sign(string bearer, SignRequest request) =>
        Invoke(bearer, (server, options) => server.Signing.SignAsync(request, options));

    public SigningRequest CreateSigningRequest(string bearer, CreateSigningRequestRequest request) =>
        Invoke(bearer, (server, options) => server.Approvals.CreateSigningRequestAsync(request, options));

    public SigningRequest GetSigningRequest(string bearer, string requestId) =>
        Invoke(bearer, (server, options) => server.Approvals.GetSigningRequestAsync(new GetSigningRequestRequest { RequestId = requestId }, options));

    public void Dispose()
    {
        foreach (var server in _servers)
        {
            server.Dispose();
        }
    }

    /// <summary>The authorization header of <paramref name="bearer"/>: the last one's is reused, as every call of one identity sends the same.</summary>
    private Metadata? HeadersFor(string? bearer)
    {
        if (bearer is null)
        {
            return null;
        }

        var last = Volatile.Read(ref _authorization);
        if (last is not null && string.Equals(last.Bearer, bearer, StringComparison.Ordinal))
        {
            return last.Headers;
        }

        // Grpc only reads a call's headers, so calls on several threads can share one Metadata.
        var headers = new Metadata { { "authorization", "Bearer " + bearer } };
        Volatile.Write(ref _authorization, new Authorization(bearer, headers));
        return headers;
    }

    private T Invoke<T>(string? bearer, Func<ServerConnection, CallOptions, AsyncUnaryCall<T>> call)
    {
        var headers = HeadersFor(bearer);
        var deadline = DateTime.UtcNow + _callTimeout;
        var first = Volatile.Read(ref _preferred);
        for (var attempt = 0; ; attempt++)
        {
            var index = (first + attempt) % _servers.Length;
            var server = _servers[index];
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                var result = CallWaiter.Result(call(server, new CallOptions(headers, deadline)).ResponseAsync);
                ModuleCounters.ServerCalled(started);
                if (index != first)
                {
                    Volatile.Write(ref _preferred, index);
                }

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

    private sealed record Authorization(string Bearer, Metadata Headers);
}
