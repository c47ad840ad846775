using CodeSigning.Server.Domain;
using Microsoft.AspNetCore.Mvc;

namespace CodeSigning.Server.WebConsole.Pages.Signers;

/// <summary>The create wizard after the Signer exists: the external CA's certificate (step 2), members (3), approval policy (4).</summary>
public sealed class SetupModel(SignerManager signers, MemberManager members, ApprovalManager approvals) : SignerPageModel(signers, members, approvals)
{
    [BindProperty(SupportsGet = true)]
    public string Step { get; set; } = "members";

    public int StepNumber => Step switch { "certificate" => 2, "members" => 3, _ => 4 };
}
