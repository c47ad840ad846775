using CodeSigning.Server.Domain;
using CodeSigning.V1;
using Google.Protobuf;
using Grpc.Core;

namespace CodeSigning.Server.Api;

public sealed class SignApi(SignPipeline pipeline) : SignService.SignServiceBase
{
    public override async Task<SignResponse> Sign(SignRequest request, ServerCallContext context)
    {
        var result = await pipeline.SignAsync(context.Caller(), request);
        return new SignResponse
        {
            Signature = ByteString.CopyFrom(result.Signature),
            AuditEventId = result.AuditEventId,
            GrantId = result.GrantId ?? "",
            GrantSignaturesRemaining = result.GrantSignaturesRemaining,
        };
    }
}
