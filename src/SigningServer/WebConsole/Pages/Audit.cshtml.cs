using CodeSigning.Server.Domain;
using CodeSigning.V1;
using Microsoft.AspNetCore.Mvc;

namespace CodeSigning.Server.WebConsole.Pages;

/// <summary>Verifying the audit chain (Product Admins), as <c>csign audit verify</c> does.</summary>
public sealed class AuditModel(AuditReader reader) : ConsolePageModel
{
    public VerifyAuditChainResponse? Result { get; private set; }

    protected override void Load()
    {
    }

    public IActionResult OnPostVerify()
    {
        try
        {
            Result = reader.Verify(Caller, []);
        }
        catch (ServiceException e)
        {
            return Refused(e);
        }
        return Page();
    }
}
