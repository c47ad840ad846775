using CodeSigning.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace CodeSigning.Pkcs11.Tests.Fakes;

internal sealed class FakeSignerService(FakeSigningServer server) : SignerService.SignerServiceBase
{
    public override async Task<ListSignersResponse> ListSigners(ListSignersRequest request, ServerCallContext context)
    {
        var caller = await server.EnterAsync(context);
        if (!server.Signers.Values.Any(s => s.Members.ContainsKey(caller)))
        {
            throw FakeSigningServer.Error(StatusCode.Unauthenticated, "CREDENTIAL_INVALID");
        }

        return new ListSignersResponse
        {
            Signers = { server.Signers.Values.Where(s => s.Members.ContainsKey(caller)).Select(s => s.ToMessage(s.Members[caller])) },
        };
    }

    public override async Task<Signer> GetSigner(GetSignerRequest request, ServerCallContext context)
    {
        var caller = await server.EnterAsync(context);
        var signer = server.Find(request.Signer, caller);
        return signer.ToMessage(signer.Members[caller]);
    }
}

internal sealed class FakeSignService(FakeSigningServer server) : SignService.SignServiceBase
{
    public override async Task<SignResponse> Sign(SignRequest request, ServerCallContext context)
    {
        var caller = await server.EnterAsync(context);
        server.SignRequests.Enqueue(request);
        var signer = server.Find(request.Signer, caller);
        if (!signer.Enabled)
        {
            throw FakeSigningServer.Error(StatusCode.FailedPrecondition, "SIGNER_DISABLED");
        }

        if (signer.Members[caller] == Role.Auditor)
        {
            throw FakeSigningServer.Error(StatusCode.PermissionDenied, "ROLE_FORBIDS");
        }

        if (signer.ApprovalRequired)
        {
            lock (signer.Grants)
            {
                if (signer.Grants.GetValueOrDefault(caller) <= 0)
                {
                    var pending = server.Requests.Values.FirstOrDefault(r => r.ApiKey == caller && r.Signer == signer && r.Request.State == SigningRequestState.Pending);
                    var metadata = new Dictionary<string, string> { ["signer_id"] = signer.Id };
                    if (pending.Request is not null)
                    {
                        metadata["pending_request_id"] = pending.Request.Id;
                    }

                    throw FakeSigningServer.Error(StatusCode.FailedPrecondition, "APPROVAL_REQUIRED", metadata);
                }

                signer.Grants[caller]--;
            }
        }

        return new SignResponse
        {
            Signature = ByteString.CopyFrom(signer.Sign(request.Scheme, request.DigestAlgorithm, request.Digest.ToByteArray())),
            AuditEventId = "audit-" + request.Client.CorrelationId,
        };
    }
}

internal sealed class FakeApprovalService(FakeSigningServer server) : ApprovalService.ApprovalServiceBase
{
    public override async Task<SigningRequest> CreateSigningRequest(CreateSigningRequestRequest request, ServerCallContext context)
    {
        var caller = await server.EnterAsync(context);
        var signer = server.Find(request.Signer, caller);
        var created = new SigningRequest
        {
            Id = Guid.NewGuid().ToString(),
            SignerId = signer.Id,
            SignerName = signer.Name,
            Justification = request.Justification,
            SignatureCount = request.SignatureCount,
            State = SigningRequestState.Pending,
        };
        server.Requests[created.Id] = (caller, signer, created);
        return created;
    }

    public override async Task<SigningRequest> GetSigningRequest(GetSigningRequestRequest request, ServerCallContext context)
    {
        await server.EnterAsync(context);
        return server.Requests.TryGetValue(request.RequestId, out var found)
            ? found.Request
            : throw FakeSigningServer.Error(StatusCode.NotFound, "NOT_FOUND");
    }
}

internal sealed class FakeTokenService(FakeSigningServer server) : TokenService.TokenServiceBase
{
    public const string Audience = "fake-codesigning";

    public override async Task<ServerInfo> GetServerInfo(Empty request, ServerCallContext context)
    {
        await server.EnterAsync(context);
        return new ServerInfo { Version = "fake", TokenAudience = Audience, ServerTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) };
    }

    public override async Task<ExchangeAssertionResponse> ExchangeAssertion(ExchangeAssertionRequest request, ServerCallContext context)
    {
        await server.EnterAsync(context);
        var clientId = FakeAssertionVerifier.Verify(request.Assertion, server.ServiceAccounts, Audience)
            ?? throw FakeSigningServer.Error(StatusCode.Unauthenticated, "ASSERTION_INVALID");
        var token = "cst_" + Guid.NewGuid().ToString("N");
        server.AccessTokens[token] = clientId;
        return new ExchangeAssertionResponse { AccessToken = token, ExpiresAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(15)) };
    }
}
