using CodeSigning.V1;

namespace CodeSigning.Server.Storage;

/// <summary>One event of the hash chain as stored.</summary>
/// <param name="Actor">Null for unauthenticated events.</param>
/// <param name="Details">Event facts, never a secret; kept sorted so the canonical form is stable.</param>
public sealed record AuditRecord(
    long Sequence, string Id, DateTimeOffset Time, string Type, AuditOutcome Outcome, Principal? Actor,
    string SignerId, string SignerName, string Reason, AuditClient Client, string RemoteAddress,
    SortedDictionary<string, string> Details, byte[] Hash, byte[] PreviousHash);
