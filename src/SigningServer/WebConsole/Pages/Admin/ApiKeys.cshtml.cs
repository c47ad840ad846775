using CodeSigning.Server.Domain;
using CodeSigning.Server.Storage;
using CodeSigning.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Mvc;

namespace CodeSigning.Server.WebConsole.Pages.Admin;

/// <summary>A user's API keys (yours, or anyone's for a Product Admin): create, shown once, and revoke.</summary>
public sealed class ApiKeysModel(IdentityManager identities) : ConsolePageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Owner { get; set; }

    public IReadOnlyList<ApiKeyRecord> Keys { get; private set; } = [];

    /// <summary>The key just created: rendered into this one response, never stored for a redirect.</summary>
    public string? Secret { get; private set; }

    protected override void Load() => Keys = identities.ListApiKeys(Caller, Owner ?? "", includeRevoked: true);

    public IActionResult OnPostCreate(string? description, int? days)
    {
        try
        {
            var (key, secret) = identities.CreateApiKey(Caller, Limited(new CreateApiKeyRequest
            {
                User = Owner ?? "",
                Description = description ?? "",
                Ttl = days is { } d ? Duration.FromTimeSpan(TimeSpan.FromDays(Math.Clamp(d, 1, 36500))) : null,
            }));
            Secret = secret;
            Owner = key.UserName;
        }
        catch (ServiceException e)
        {
            return Refused(e);
        }
        return Show();
    }

    public IActionResult OnPostRevoke(string? id) => Change(() => $"API key {identities.RevokeApiKey(Caller, id ?? "").Id} revoked");
}
