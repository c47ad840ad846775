using CodeSigning.Server.Domain;
using CodeSigning.V1;

namespace CodeSigning.Server.WebConsole.Pages;

/// <summary>My Signers, and what waits for me: requests to decide, and my own still pending.</summary>
public sealed class IndexModel(SignerManager signers, ApprovalManager approvals) : ConsolePageModel
{
    public IReadOnlyList<SignerView> Signers { get; private set; } = [];
    public IReadOnlyList<SigningRequestView> Inbox { get; private set; } = [];
    public IReadOnlyList<SigningRequestView> MyPending { get; private set; } = [];

    protected override void Load()
    {
        Signers = signers.List(Caller).Where(s => s.CallerRole != Role.Unspecified).ToList();
        Inbox = approvals.ListDecidable(Caller);
        MyPending = approvals.ListRequests(Caller, "", [SigningRequestState.Pending]).Where(r => r.Request.Requester.Id == Caller.Principal.Id).ToList();
    }
}
