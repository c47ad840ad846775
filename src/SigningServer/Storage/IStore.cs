namespace CodeSigning.Server.Storage;

/// <summary>
/// The server's database. Every unit of work is one serializable write transaction, so a
/// decision (membership, grant, audit chain head) read inside it cannot change before commit.
/// </summary>
public interface IStore
{
    /// <summary>Begins a transaction that holds the write lock until it is committed or disposed (rolled back).</summary>
    IStoreSession Begin();
}
