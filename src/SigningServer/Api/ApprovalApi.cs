using CodeSigning.Server.Domain;
using CodeSigning.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace CodeSigning.Server.Api;

public sealed class ApprovalApi(ApprovalManager approvals) : ApprovalService.ApprovalServiceBase
{
    public override Task<ApprovalPolicy> GetApprovalPolicy(GetApprovalPolicyRequest request, ServerCallContext context) =>
        Task.FromResult(approvals.GetPolicy(context.Caller(), request.Signer).ToProto());

    public override Task<ApprovalPolicy> SetApprovalPolicy(SetApprovalPolicyRequest request, ServerCallContext context) =>
        Task.FromResult(approvals.SetPolicy(context.Caller(), request.Signer, request.Policy).ToProto());

    public override Task<Empty> ClearApprovalPolicy(ClearApprovalPolicyRequest request, ServerCallContext context)
    {
        approvals.ClearPolicy(context.Caller(), request.Signer);
        return Task.FromResult(new Empty());
    }

    public override Task<SigningRequest> CreateSigningRequest(CreateSigningRequestRequest request, ServerCallContext context) =>
        Task.FromResult(approvals.CreateRequest(context.Caller(), request).ToProto());

    public override Task<ListSigningRequestsResponse> ListSigningRequests(ListSigningRequestsRequest request, ServerCallContext context)
    {
        var requests = approvals.ListRequests(context.Caller(), request.Signer, request.States);
        var (page, next) = Paging.Page(requests, request.PageSize, request.PageToken);
        return Task.FromResult(new ListSigningRequestsResponse { Requests = { page.Select(r => r.ToProto()) }, NextPageToken = next });
    }

    public override Task<SigningRequest> GetSigningRequest(GetSigningRequestRequest request, ServerCallContext context) =>
        Task.FromResult(approvals.GetRequest(context.Caller(), request.RequestId).ToProto());

    public override Task<SigningRequest> ApproveSigningRequest(DecideSigningRequestRequest request, ServerCallContext context) =>
        Task.FromResult(approvals.Decide(context.Caller(), request.RequestId, approve: true, request.Comment).ToProto());

    public override Task<SigningRequest> DenySigningRequest(DecideSigningRequestRequest request, ServerCallContext context) =>
        Task.FromResult(approvals.Decide(context.Caller(), request.RequestId, approve: false, request.Comment).ToProto());

    public override Task<SigningRequest> CancelSigningRequest(CancelSigningRequestRequest request, ServerCallContext context) =>
        Task.FromResult(approvals.Cancel(context.Caller(), request.RequestId).ToProto());

    public override Task<Grant> CreateGrant(CreateGrantRequest request, ServerCallContext context) =>
        Task.FromResult(approvals.CreateGrant(context.Caller(), request).ToProto());

    public override Task<ListGrantsResponse> ListGrants(ListGrantsRequest request, ServerCallContext context) =>
        Task.FromResult(new ListGrantsResponse { Grants = { approvals.ListGrants(context.Caller(), request.Signer, request.IncludeSpent).Select(g => g.ToProto()) } });

    public override Task<Grant> RevokeGrant(RevokeGrantRequest request, ServerCallContext context) =>
        Task.FromResult(approvals.RevokeGrant(context.Caller(), request.GrantId).ToProto());
}
