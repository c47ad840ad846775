using CodeSigning.Server.Domain;
using CodeSigning.V1;
using Microsoft.AspNetCore.Mvc;

namespace CodeSigning.Server.WebConsole.Pages.Admin;

/// <summary>Groups, for Product Admins: create, delete, add and remove members.</summary>
public sealed class GroupsModel(MemberManager members) : ConsolePageModel
{
    public IReadOnlyList<GroupView> Groups { get; private set; } = [];

    protected override void Load() => Groups = members.ListGroups(Caller);

    public IActionResult OnPostCreate(string? name, string? description) => Change(() =>
        $"group {members.CreateGroup(Caller, Limited(new CreateGroupRequest { Name = name ?? "", Description = description ?? "" })).Group.Name} created");

    public IActionResult OnPostDelete(string? group) => Change(() =>
    {
        members.DeleteGroup(Caller, group ?? "");
        return $"group {group} deleted";
    });

    public IActionResult OnPostAddMember(string? group, PrincipalKind kind, string? member) => Change(() =>
    {
        members.AddGroupMember(Caller, group ?? "", Limited(new PrincipalRef { Kind = kind, Name = member?.Trim() ?? "" }));
        return $"{Display.Kind(kind)} {member} added to {group}";
    });

    public IActionResult OnPostRemoveMember(string? group, PrincipalKind kind, string? member) => Change(() =>
    {
        members.RemoveGroupMember(Caller, group ?? "", Limited(new PrincipalRef { Kind = kind, Name = member ?? "" }));
        return $"{Display.Kind(kind)} {member} removed from {group}";
    });
}
