using CodeSigning.V1;

namespace CodeSigning.Server.Storage;

/// <summary>One event of the audit log as stored: a link of one hash chain.</summary>
/// <param name="Sequence">Server-wide order, unique; gapless on SQLite, with gaps on PostgreSQL (a rolled-back append's number is not reused).</param>
/// <param name="Actor">Null for unauthenticated events.</param>
/// <param name="Details">Event facts, never a secret; kept sorted so the canonical form is stable.</param>
/// <param name="PreviousHash">The hash of the event before it in its chain; zeros for a chain's first.</param>
/// <param name="Chain">The chain it links into: its Signer's id, or "" for server-wide events (and every event written before the chains were split).</param>
/// <param name="ChainSequence">Its position in the chain, from 1, gapless.</param>
public sealed record AuditRecord(
    long Sequence, string Id, DateTimeOffset Time, string Type, AuditOutcome Outcome, Principal? Actor,
    string SignerId, string SignerName, string Reason, AuditClient Client, string RemoteAddress,
    SortedDictionary<string, string> Details, byte[] Hash, byte[] PreviousHash, string Chain, long ChainSequence);
