namespace CodeSigning.Server.Storage;

/// <summary>The statements in which the two stores differ: how appends to the audit log are numbered and serialized.</summary>
/// <param name="NextAuditSequence">Yields the next server-wide sequence number.</param>
/// <param name="LockAuditChain">
/// Takes one chain's append lock until the transaction ends, given <c>@chain_key</c>; null where the
/// store has a single writer anyway (SQLite).
/// </param>
internal sealed record StoreDialect(string NextAuditSequence, string? LockAuditChain)
{
    /// <summary>One writer at a time: the numbers a transaction takes go on from its first one.</summary>
    public bool SingleWriter => LockAuditChain is null;

    // The newest number + 1: SQLite's writer holds the database lock, so no one else numbers meanwhile.
    public static readonly StoreDialect Sqlite = new("SELECT COALESCE(MAX(sequence), 0) + 1 FROM audit_events", null);

    // A sequence, so appends to different chains need not wait for each other; a rolled-back
    // append leaves a gap. The chain locks are two-key advisory locks, a key space apart from the
    // one-key writers' lock; the class key is "CHAN" in ASCII.
    public static readonly StoreDialect Postgres = new("SELECT nextval('audit_sequence')", "SELECT pg_advisory_xact_lock(1128808782, @chain_key)");
}
