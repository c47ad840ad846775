using System.Collections.Concurrent;
using System.Net;
using CodeSigning.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CodeSigning.Pkcs11.Tests.Fakes;

/// <summary>
/// An in-process stand-in for the signing server (h2c on 127.0.0.1) implementing the calls the
/// module makes, with real keys, and fault injection: delays, errors with an ErrorInfo reason,
/// and stopping / restarting on the same port (dropped connections).
/// </summary>
public sealed class FakeSigningServer : IAsyncDisposable
{
    private WebApplication? _app;

    public ConcurrentDictionary<string, FakeSigner> Signers { get; } = new();

    /// <summary>Every SignRequest received, in order.</summary>
    public ConcurrentQueue<SignRequest> SignRequests { get; } = new();

    /// <summary>Signing requests filed through ApprovalService, by id.</summary>
    public ConcurrentDictionary<string, (string ApiKey, FakeSigner Signer, SigningRequest Request)> Requests { get; } = new();

    /// <summary>Added before every answer.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>When set, every call fails with this status and ErrorInfo reason.</summary>
    public (StatusCode Status, string Reason)? Failure { get; set; }

    /// <summary>Service accounts: client id -> public key (verifies assertions); tokens issued -> client id.</summary>
    public ConcurrentDictionary<string, System.Security.Cryptography.AsymmetricAlgorithm> ServiceAccounts { get; } = new();

    public ConcurrentDictionary<string, string> AccessTokens { get; } = new();

    public int Port { get; private set; }

    public string Url => $"http://127.0.0.1:{Port}";

    public int CallCount;

    public async Task StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(this);
        _app = builder.Build();
        _app.MapGrpcService<FakeSignerService>();
        _app.MapGrpcService<FakeSignService>();
        _app.MapGrpcService<FakeApprovalService>();
        _app.MapGrpcService<FakeTokenService>();
        await _app.StartAsync();
        Port = new Uri(_app.Urls.First()).Port;
    }

    /// <summary>Stops listening: calls fail as if the server were down until <see cref="StartAsync"/> again.</summary>
    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    public FakeSigner Add(FakeSigner signer, string apiKey, Role role = Role.Operator)
    {
        signer.Members[apiKey] = role;
        Signers[signer.Id] = signer;
        return signer;
    }

    internal async Task<string> EnterAsync(ServerCallContext context)
    {
        Interlocked.Increment(ref CallCount);
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, context.CancellationToken);
        }

        if (Failure is { } failure)
        {
            throw Error(failure.Status, failure.Reason);
        }

        var header = context.RequestHeaders.GetValue("authorization") ?? "";
        var bearer = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header[7..] : "";
        return AccessTokens.TryGetValue(bearer, out var clientId) ? "sa:" + clientId : bearer;
    }

    internal FakeSigner Find(string reference, string caller)
    {
        var signer = Signers.Values.FirstOrDefault(s => s.Id == reference || s.Name == reference)
            ?? throw Error(StatusCode.NotFound, "SIGNER_NOT_FOUND");
        if (caller.Length == 0 || !Signers.Values.Any(s => s.Members.ContainsKey(caller)))
        {
            throw Error(StatusCode.Unauthenticated, "CREDENTIAL_INVALID");
        }

        // As the real server: a non-member hears what it would for a Signer that does not exist.
        return signer.Members.ContainsKey(caller) ? signer : throw Error(StatusCode.NotFound, "SIGNER_NOT_FOUND");
    }

    public static RpcException Error(StatusCode status, string reason, Dictionary<string, string>? metadata = null)
    {
        var info = new Google.Rpc.ErrorInfo { Domain = ErrorDomain.Name, Reason = reason };
        if (metadata is not null)
        {
            info.Metadata.Add(metadata);
        }

        return new Google.Rpc.Status { Code = (int)status, Message = reason.ToLowerInvariant().Replace('_', ' '), Details = { Any.Pack(info) } }.ToRpcException();
    }
}
