using CodeSigning.V1;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace CodeSigning.Pkcs11.Remote;

/// <summary>One server of the configured list: its channel (pooled HTTP/2 connections, kept alive) and clients, reused for the life of the module.</summary>
internal sealed class ServerConnection : IDisposable
{
    private readonly GrpcChannel _channel;

    public ServerConnection(Uri address, TimeSpan connectTimeout, ServerTrust trust, ILogger logger)
    {
        Address = address;
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = connectTimeout,
            EnableMultipleHttp2Connections = true,
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        };
        handler.SslOptions.CertificateChainPolicy = trust.ChainPolicy();
        handler.SslOptions.RemoteCertificateValidationCallback = trust.For(address, logger);

        // Grpc.Net.Client's connection tracking is off (the opt-out it reads from the handler's
        // Properties since 2.58) for this one address, which needs no balancing: it no longer wraps
        // the connection in a stream of its own (an async layer on every read) nor tracks the
        // connection's state with a reconnect backoff. SocketsHttpHandler connects on the next call
        // after a failure; another server of the list is RemoteClient's choice.
        handler.Properties["__GrpcLoadBalancingDisabled"] = true;

        _channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
        Signers = new SignerService.SignerServiceClient(_channel);
        Signing = new SignService.SignServiceClient(_channel);
        Approvals = new ApprovalService.ApprovalServiceClient(_channel);
        Tokens = new TokenService.TokenServiceClient(_channel);
    }

    public Uri Address { get; }

    public SignerService.SignerServiceClient Signers { get; }

    public SignService.SignServiceClient Signing { get; }

    public ApprovalService.ApprovalServiceClient Approvals { get; }

    public TokenService.TokenServiceClient Tokens { get; }

    public void Dispose() => _channel.Dispose();
}
