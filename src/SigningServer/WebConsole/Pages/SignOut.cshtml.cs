using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CodeSigning.Server.WebConsole.Pages;

/// <summary>Ends the session: the cookie is deleted (the API key itself stays valid until revoked).</summary>
public sealed class SignOutModel : PageModel
{
    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(ConsoleSetup.Scheme).ConfigureAwait(false);
        return Redirect(ConsoleSetup.PathPrefix + "/sign-in");
    }
}
