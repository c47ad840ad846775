namespace CodeSigning.Server.Storage;

/// <summary>
/// The server's database. Every unit of work is one serializable write transaction, so a
/// decision (membership, grant, audit chain head) read inside it cannot change before commit.
/// </summary>
public interface IStore
{
    /// <summary>Begins a transaction that holds the write lock until it is committed or disposed (rolled back).</summary>
    IStoreSession Begin();

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
