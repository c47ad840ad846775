namespace CodeSigning.Server.Storage;

/// <param name="MaxSignaturesPerGrant">0 = no cap.</param>
/// <param name="MaxGrantWindow">Zero = no cap.</param>
public sealed record PolicyRecord(
    string SignerId, IReadOnlyList<Principal> Approvers, int ApprovalsRequired,
    long MaxSignaturesPerGrant, TimeSpan MaxGrantWindow, TimeSpan RequestTtl);
