using CodeSigning.Server.Domain;
using CodeSigning.V1;
using Microsoft.AspNetCore.Mvc;

namespace CodeSigning.Server.WebConsole.Pages.Admin;

/// <summary>Service accounts, for Product Admins: create, enable or disable.</summary>
public sealed class ServiceAccountsModel(IdentityManager identities) : ConsolePageModel
{
    public IReadOnlyList<ServiceAccountView> Accounts { get; private set; } = [];

    protected override void Load() => Accounts = identities.ListServiceAccounts(Caller);

    public IActionResult OnPostCreate(string? name, string? description) => Change(() =>
        $"service account {identities.CreateServiceAccount(Caller, Limited(new CreateServiceAccountRequest { Name = name ?? "", Description = description ?? "" })).Account.Name} created");

    public IActionResult OnPostEnabled(string? account, bool enabled) => Change(() =>
        $"service account {identities.SetServiceAccountEnabled(Caller, account ?? "", enabled).Account.Name} {(enabled ? "enabled" : "disabled")}");
}
