using CodeSigning.Server.Audit;
using CodeSigning.Server.Storage;
using CodeSigning.V1;

namespace CodeSigning.Server.Domain;

/// <summary>Signer members and server-wide groups.</summary>
public sealed class MemberManager(Operations operations)
{
    public IReadOnlyList<MemberRecord> ListMembers(Caller caller, string signerRef) => operations.Read(caller, AuditEventTypes.MemberList, (session, scope) =>
        session.ListMembers(SignerAccess.Require(session, caller, signerRef, Capability.View, "view members", scope).Signer.Id));

    public MemberRecord SetMember(Caller caller, SetMemberRequest request) => operations.Change(caller, AuditEventTypes.MemberSet, (session, scope) =>
    {
        var (signer, _) = SignerAccess.Require(session, caller, request.Signer, Capability.Manage, "manage members", scope);
        var principal = PrincipalResolver.Resolve(session, request.Principal, "principal", joining: true);
        if (request.Role == Role.Unspecified || !Enum.IsDefined(request.Role))
        {
            throw ServiceException.InvalidArgument("role", "role is required (administrator, operator, auditor)");
        }
        if (request.Role != Role.Administrator)
        {
            RequireAnotherAdministrator(session, signer, principal.Id);
        }
        var member = new MemberRecord(signer.Id, principal, request.Role);
        session.SetMember(member);
        Describe(scope, principal);
        scope.Details["role"] = RoleNames.Of(request.Role);
        return member;
    });

    public void RemoveMember(Caller caller, RemoveMemberRequest request) => operations.Change(caller, AuditEventTypes.MemberRemoved, (session, scope) =>
    {
        var (signer, _) = SignerAccess.Require(session, caller, request.Signer, Capability.Manage, "manage members", scope);
        var principal = PrincipalResolver.Resolve(session, request.Principal, "principal");
        RequireAnotherAdministrator(session, signer, principal.Id);
        Describe(scope, principal);
        return session.RemoveMember(signer.Id, principal.Id) ? true : throw ServiceException.NotFound($"membership of '{principal.Name}' in Signer '{signer.Name}'");
    });

    public GroupView CreateGroup(Caller caller, CreateGroupRequest request) => operations.Change(caller, AuditEventTypes.GroupCreated, (session, scope) =>
    {
        caller.RequireProductAdmin("create groups");
        var name = Names.Validate(request.Name, "name");
        if (session.FindGroup(name) is not null)
        {
            throw ServiceException.NameTaken("group", name);
        }
        var group = new GroupRecord(Guid.CreateVersion7().ToString("N"), name, request.Description);
        session.InsertGroup(group);
        scope.Details["group"] = name;
        return new GroupView(group, []);
    });

    public void DeleteGroup(Caller caller, string groupRef) => operations.Change(caller, AuditEventTypes.GroupDeleted, (session, scope) =>
    {
        caller.RequireProductAdmin("delete groups");
        var group = FindGroup(session, groupRef);
        var lastAdministratorOf = session.ListMemberships([group.Id])
            .Where(m => m.Role == Role.Administrator)
            .FirstOrDefault(m => !session.ListMembers(m.SignerId).Any(o => o.Role == Role.Administrator && o.Principal.Id != group.Id));
        if (lastAdministratorOf is not null)
        {
            throw ServiceException.Conflict($"group '{group.Name}' is the last Administrator of a Signer ({lastAdministratorOf.SignerId}); name another one first");
        }
        var approving = PolicySatisfiability.SignersApprovedBy(session, group.Id);
        session.DeleteGroup(group.Id);
        PolicySatisfiability.RequireAll(session, approving);
        scope.Details["group"] = group.Name;
        return true;
    });

    /// <summary>Product Admins see every group; anyone else only the groups they belong to.</summary>
    public IReadOnlyList<GroupView> ListGroups(Caller caller) => operations.Read(caller, AuditEventTypes.GroupList, (session, _) =>
        (caller.ProductAdmin ? session.ListGroups() : session.ListGroupsOf(caller.Principal.Id))
            .Select(g => new GroupView(g, session.ListGroupMembers(g.Id))).ToList());

    /// <summary>A group the caller may not see is answered exactly as one that does not exist (the denial is audited).</summary>
    public GroupView GetGroup(Caller caller, string groupRef) => operations.Read(caller, AuditEventTypes.GroupRead, (session, _) =>
    {
        var group = FindGroup(session, groupRef);
        var members = session.ListGroupMembers(group.Id);
        return caller.ProductAdmin || members.Any(m => m.Id == caller.Principal.Id)
            ? new GroupView(group, members)
            : throw GroupNotFound(groupRef);
    });

    public GroupView AddGroupMember(Caller caller, string groupRef, PrincipalRef? member) => operations.Change(caller, AuditEventTypes.GroupMemberAdded, (session, scope) =>
    {
        caller.RequireProductAdmin("change groups");
        var group = FindGroup(session, groupRef);
        var principal = PrincipalResolver.Resolve(session, member, "principal", joining: true);
        if (principal.Kind == PrincipalKind.Group)
        {
            throw ServiceException.InvalidArgument("principal", "groups hold users and service accounts, not other groups");
        }
        session.AddGroupMember(group.Id, principal);
        scope.Details["group"] = group.Name;
        Describe(scope, principal);
        return new GroupView(group, session.ListGroupMembers(group.Id));
    });

    public GroupView RemoveGroupMember(Caller caller, string groupRef, PrincipalRef? member) => operations.Change(caller, AuditEventTypes.GroupMemberRemoved, (session, scope) =>
    {
        caller.RequireProductAdmin("change groups");
        var group = FindGroup(session, groupRef);
        var principal = PrincipalResolver.Resolve(session, member, "principal");
        if (!session.RemoveGroupMember(group.Id, principal.Id))
        {
            throw ServiceException.NotFound($"'{principal.Name}' in group '{group.Name}'");
        }
        PolicySatisfiability.RequireAll(session, PolicySatisfiability.SignersApprovedBy(session, group.Id));
        scope.Details["group"] = group.Name;
        Describe(scope, principal);
        return new GroupView(group, session.ListGroupMembers(group.Id));
    });

    /// <summary>A Signer always keeps an Administrator: demoting or removing the last one is refused.</summary>
    private static void RequireAnotherAdministrator(IStoreSession session, SignerRecord signer, string principalId)
    {
        var members = session.ListMembers(signer.Id);
        var isAdministrator = members.Any(m => m.Principal.Id == principalId && m.Role == Role.Administrator);
        if (isAdministrator && !members.Any(m => m.Principal.Id != principalId && m.Role == Role.Administrator))
        {
            throw ServiceException.Conflict($"this is the last Administrator of Signer '{signer.Name}'; name another one first");
        }
    }

    private static GroupRecord FindGroup(IStoreSession session, string groupRef) =>
        session.FindGroup(groupRef) ?? throw GroupNotFound(groupRef);

    private static ServiceException GroupNotFound(string groupRef) => ServiceException.NotFound($"group '{groupRef}'");

    private static void Describe(OperationScope scope, Principal principal)
    {
        scope.Details["principal_kind"] = ProtoNames.Of(principal.Kind);
        scope.Details["principal"] = principal.Name;
    }
}
