namespace CodeSigning.Server.Storage;

/// <param name="MaxSignaturesPerGrant">0 = no cap.</param>
/// <param name="MaxGrantWindow">Zero = no cap.</param>
/// <param name="AllowSelfPreapproval">Null: the default, see <see cref="AllowsSelfPreapproval"/>.</param>
public sealed record PolicyRecord(
    string SignerId, IReadOnlyList<Principal> Approvers, int ApprovalsRequired,
    long MaxSignaturesPerGrant, TimeSpan MaxGrantWindow, TimeSpan RequestTtl, bool? AllowSelfPreapproval = null)
{
    /// <summary>Four eyes by default: a policy that needs two approvals or more forbids self-pre-approval unless it says otherwise.</summary>
    public bool AllowsSelfPreapproval => AllowSelfPreapproval ?? ApprovalsRequired < 2;
}
