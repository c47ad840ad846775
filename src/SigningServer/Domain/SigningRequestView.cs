using CodeSigning.Server.Storage;

namespace CodeSigning.Server.Domain;

/// <param name="ApprovalsRequired">What the Signer's policy asks for now.</param>
public sealed record SigningRequestView(SigningRequestRecord Request, string SignerName, IReadOnlyList<DecisionRecord> Decisions, int ApprovalsRequired)
{
    public int Approvals => Decisions.Count(d => d.Approved);
}
