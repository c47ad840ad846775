using CodeSigning.V1;
using Grpc.Net.Client;

namespace CodeSigning.Server.Tests.Server;

/// <summary>Every service client over one authenticated channel.</summary>
public sealed class Clients(GrpcChannel channel)
{
    public SignService.SignServiceClient Sign { get; } = new(channel);
    public SignerService.SignerServiceClient Signers { get; } = new(channel);
    public IdentityService.IdentityServiceClient Identity { get; } = new(channel);
    public MemberService.MemberServiceClient Members { get; } = new(channel);
    public ApprovalService.ApprovalServiceClient Approvals { get; } = new(channel);
    public AuditService.AuditServiceClient Audit { get; } = new(channel);
    public TokenService.TokenServiceClient Tokens { get; } = new(channel);
    public WebhookService.WebhookServiceClient Webhooks { get; } = new(channel);
}
