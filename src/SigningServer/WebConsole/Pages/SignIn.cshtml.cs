using System.Security.Claims;
using CodeSigning.Server.Domain;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CodeSigning.Server.WebConsole.Pages;

/// <summary>Sign-in with an API key: the key is authenticated like an API call's, then kept in the session ticket.</summary>
public sealed class SignInModel(ServerSettings settings) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Failure { get; private set; }

    public string IdleTimeout => Display.Span(settings.ConsoleIdleTimeout);

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(string? apiKey)
    {
        var key = apiKey?.Trim() ?? "";
        if (!key.StartsWith(ApiKeySecrets.ApiKeyPrefix + "_", StringComparison.Ordinal))
        {
            Failure = "that is not an API key: they start with csk_";
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        Caller caller;
        try
        {
            caller = ConsoleCaller.Authenticate(HttpContext, key);
        }
        catch (ServiceException e)
        {
            Failure = $"the API key was refused: {e.Message}";
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, caller.Principal.Name), new Claim(ConsoleCaller.ApiKeyClaim, key)], ConsoleSetup.Scheme);
        await HttpContext.SignInAsync(ConsoleSetup.Scheme, new ClaimsPrincipal(identity)).ConfigureAwait(false);
        return LocalRedirect(ReturnUrl is { } url && Url.IsLocalUrl(url) && url.StartsWith(ConsoleSetup.PathPrefix, StringComparison.Ordinal) ? url : ConsoleSetup.PathPrefix);
    }
}
