using CodeSigning.Server.Domain;
using CodeSigning.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace CodeSigning.Server.Api;

public sealed class MemberApi(MemberManager members) : MemberService.MemberServiceBase
{
    public override Task<ListMembersResponse> ListMembers(ListMembersRequest request, ServerCallContext context) =>
        Task.FromResult(new ListMembersResponse { Members = { members.ListMembers(context.Caller(), request.Signer).Select(m => m.ToProto()) } });

    public override Task<Member> SetMember(SetMemberRequest request, ServerCallContext context) =>
        Task.FromResult(members.SetMember(context.Caller(), request).ToProto());

    public override Task<Empty> RemoveMember(RemoveMemberRequest request, ServerCallContext context)
    {
        members.RemoveMember(context.Caller(), request);
        return Task.FromResult(new Empty());
    }

    public override Task<Group> CreateGroup(CreateGroupRequest request, ServerCallContext context) =>
        Task.FromResult(members.CreateGroup(context.Caller(), request).ToProto());

    public override Task<Empty> DeleteGroup(DeleteGroupRequest request, ServerCallContext context)
    {
        members.DeleteGroup(context.Caller(), request.Group);
        return Task.FromResult(new Empty());
    }

    public override Task<ListGroupsResponse> ListGroups(ListGroupsRequest request, ServerCallContext context) =>
        Task.FromResult(new ListGroupsResponse { Groups = { members.ListGroups(context.Caller()).Select(g => g.ToProto()) } });

    public override Task<Group> GetGroup(GetGroupRequest request, ServerCallContext context) =>
        Task.FromResult(members.GetGroup(context.Caller(), request.Group).ToProto());

    public override Task<Group> AddGroupMember(AddGroupMemberRequest request, ServerCallContext context) =>
        Task.FromResult(members.AddGroupMember(context.Caller(), request.Group, request.Principal).ToProto());

    public override Task<Group> RemoveGroupMember(RemoveGroupMemberRequest request, ServerCallContext context) =>
        Task.FromResult(members.RemoveGroupMember(context.Caller(), request.Group, request.Principal).ToProto());
}
