namespace CodeSigning.Server.Storage;

/// <summary>
/// The server's database. Every unit of work is one write transaction that runs alone or beside
/// appends only, so a decision (membership, grant, audit chain head) read inside it cannot change
/// before commit.
/// </summary>
public interface IStore
{
    /// <summary>Begins a transaction that holds the write lock, alone, until it is committed or disposed (rolled back).</summary>
    IStoreSession Begin();

    /// <summary>
    /// Begins a write transaction that only reads, consumes grant units (<see cref="IStoreSession.TryConsumeGrant"/>)
    /// and appends to ONE audit chain (with what its observers write). It runs beside other such
    /// transactions where the store allows (<see cref="ParallelAppends"/>), never beside a
    /// <see cref="Begin"/> transaction, so what it reads cannot change before it commits.
    /// </summary>
    IStoreSession BeginAppend();

    /// <summary>
    /// Whether <see cref="BeginAppend"/> transactions on different audit chains run at once
    /// (PostgreSQL, across replicas). If not, the store has one writer and a transaction may append to several chains.
    /// </summary>
    bool ParallelAppends { get; }

    /// <summary>
    /// Begins a read-only transaction over a consistent snapshot that does not wait for or block
    /// writers. Writing in it is an error.
    /// </summary>
    IStoreSession BeginRead();

    /// <summary>
    /// <see cref="IStoreSession.AuthorizationVersion"/> read in one statement of its own, without a
    /// transaction: what a call asks first, to learn whether its cached answers still hold.
    /// </summary>
    long AuthorizationVersion();
}
