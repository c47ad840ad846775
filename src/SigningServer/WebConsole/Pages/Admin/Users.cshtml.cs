using CodeSigning.Server.Domain;
using CodeSigning.Server.Storage;
using CodeSigning.V1;
using Microsoft.AspNetCore.Mvc;

namespace CodeSigning.Server.WebConsole.Pages.Admin;

/// <summary>Users, for Product Admins: create, enable or disable, grant or revoke Product Admin.</summary>
public sealed class UsersModel(IdentityManager identities) : ConsolePageModel
{
    public IReadOnlyList<UserRecord> Users { get; private set; } = [];

    protected override void Load() => Users = identities.ListUsers(Caller);

    public IActionResult OnPostCreate(string? name, string? displayName, string? email, bool productAdmin) => Change(() =>
        $"user {identities.CreateUser(Caller, Limited(new CreateUserRequest { Name = name ?? "", DisplayName = displayName ?? "", Email = email ?? "", ProductAdmin = productAdmin })).Name} created");

    public IActionResult OnPostEnabled(string? user, bool enabled) => Change(() =>
        $"user {identities.SetEnabled(Caller, user ?? "", enabled).Name} {(enabled ? "enabled" : "disabled")}");

    public IActionResult OnPostProductAdmin(string? user, bool productAdmin) => Change(() =>
        $"user {identities.SetProductAdmin(Caller, user ?? "", productAdmin).Name} {(productAdmin ? "is now a Product Admin" : "is no longer a Product Admin")}");
}
