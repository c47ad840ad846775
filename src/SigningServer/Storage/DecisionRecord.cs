namespace CodeSigning.Server.Storage;

public sealed record DecisionRecord(string RequestId, Principal Approver, bool Approved, string Comment, DateTimeOffset DecidedAt);
