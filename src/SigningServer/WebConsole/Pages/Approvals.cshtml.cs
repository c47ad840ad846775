using CodeSigning.Server.Domain;
using CodeSigning.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Mvc;

namespace CodeSigning.Server.WebConsole.Pages;

/// <summary>The approvals inbox (requests I may decide) and my own requests (create, cancel, progress).</summary>
public sealed class ApprovalsModel(SignerManager signers, ApprovalManager approvals) : ConsolePageModel
{
    public IReadOnlyList<SigningRequestView> Inbox { get; private set; } = [];
    public IReadOnlyList<SigningRequestView> Mine { get; private set; } = [];

    /// <summary>Signers with a policy on which the caller may sign: where a request makes sense.</summary>
    public IReadOnlyList<string> SignableSigners { get; private set; } = [];

    protected override void Load()
    {
        Inbox = approvals.ListDecidable(Caller);
        Mine = approvals.ListRequests(Caller, "", []).Where(r => r.Request.Requester.Id == Caller.Principal.Id)
            .OrderByDescending(r => r.Request.CreatedAt).ToList();
        SignableSigners = signers.List(Caller)
            .Where(s => s.ApprovalRequired && s.Signer.ArchivedAt is null && RoleCapabilities.Allows(s.CallerRole, Capability.Sign))
            .Select(s => s.Signer.Name).ToList();
    }

    public IActionResult OnPostCreate(string? signer, string? justification, long count, int windowMinutes) => Change(() =>
    {
        var request = approvals.CreateRequest(Caller, Limited(new CreateSigningRequestRequest
        {
            Signer = signer ?? "",
            Justification = justification ?? "",
            SignatureCount = count,
            Window = Duration.FromTimeSpan(TimeSpan.FromMinutes(Math.Clamp(windowMinutes, 0, 52560000))),
        }));
        return $"request {request.Request.Id} submitted: {request.ApprovalsRequired} approval(s) needed";
    });

    public IActionResult OnPostCancel(string? requestId) => Change(() =>
    {
        approvals.Cancel(Caller, requestId ?? "");
        return "request cancelled";
    });

    /// <summary>Approve or deny; under htmx only the request's card is sent back.</summary>
    public IActionResult OnPostDecide(string? requestId, bool approve, string? comment)
    {
        SigningRequestView Decide() =>
            approvals.Decide(Caller, requestId ?? "", approve, Limited(new DecideSigningRequestRequest { RequestId = requestId ?? "", Comment = comment ?? "" }).Comment);
        if (Request.Headers["HX-Request"] != "true")
        {
            return Change(() => $"request {Decide().Request.Id} {(approve ? "approved" : "denied")}");
        }
        try
        {
            return Partial("_RequestCard", (Decide(), false, false));
        }
        catch (ServiceException e)
        {
            // The refusal replaces the card; the page's layout is not sent again.
            return Content($"<article class=\"failure\" role=\"alert\">{System.Net.WebUtility.HtmlEncode(Display.T(e.Message))}</article>", "text/html");
        }
    }
}
