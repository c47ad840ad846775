using Microsoft.Data.Sqlite;

namespace CodeSigning.Server.Storage.Sqlite;

/// <summary>The embedded store: one SQLite file in WAL mode, durable at every commit, writers serialized by <c>BEGIN IMMEDIATE</c>.</summary>
/// <remarks>
/// Connections stay open between sessions, each with its settings applied once and its compiled
/// statements kept (<see cref="StoreConnection"/>): a session takes an idle one or opens a new one.
/// </remarks>
public sealed class SqliteStore : IStore, IDisposable
{
    public const string FileName = "codesign.db";

    // Idle connections kept beyond this many are closed: enough for the server's busiest moments
    // (one per request in flight plus the group committer), bounded for a burst.
    private const int MaxIdleConnections = 32;

    private readonly string _connectionString;
    private readonly Stack<StoreConnection> _idle = new();
    private bool _disposed;

    private SqliteStore(string connectionString) => _connectionString = connectionString;

    /// <summary>Opens (creating if needed) the database in <paramref name="dataDir"/> and applies pending migrations.</summary>
    public static SqliteStore Open(string dataDir)
    {
        var path = Path.Combine(dataDir, FileName);
        if (!File.Exists(path) && !OperatingSystem.IsWindows())
        {
            // Owner-only from the first byte; SQLite gives its -wal and -shm files the same mode.
            using var _ = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
        }
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 60,
        }.ToString();
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "PRAGMA journal_mode = WAL;";
            command.ExecuteNonQuery();
        }
        SqliteMigrations.Apply(connection);
        return new SqliteStore(connectionString);
    }

    public IStoreSession Begin() => Begin(deferred: false);

    // One writer: an append transaction is an ordinary one.
    public IStoreSession BeginAppend() => Begin(deferred: false);

    public bool ParallelAppends => false;

    // WAL readers see a snapshot and never wait for the writer.
    public IStoreSession BeginRead() => Begin(deferred: true);

    // Autocommit: the one statement is its own read transaction, with no BEGIN and ROLLBACK around it.
    public long AuthorizationVersion()
    {
        var connection = TakeIdle() ?? OpenConnection();
        try
        {
            var version = SqlStoreSession.ReadAuthorizationVersion(connection, null);
            GiveBack(connection);
            return version;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Closes the idle connections; sessions still open close theirs when they end.</summary>
    public void Dispose()
    {
        lock (_idle)
        {
            _disposed = true;
            while (_idle.TryPop(out var connection))
            {
                connection.Dispose();
            }
        }
    }

    private SqlStoreSession Begin(bool deferred)
    {
        var connection = TakeIdle() ?? OpenConnection();
        try
        {
            // deferred: false = BEGIN IMMEDIATE: take the write lock now, so that what we read
            // cannot change before we commit.
            var transaction = ((SqliteConnection)connection.Connection).BeginTransaction(deferred);
            return new SqlStoreSession(connection, transaction, StoreDialect.Sqlite);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private StoreConnection? TakeIdle()
    {
        lock (_idle)
        {
            return _idle.TryPop(out var connection) ? connection : null;
        }
    }

    private void GiveBack(StoreConnection connection)
    {
        lock (_idle)
        {
            if (!_disposed && _idle.Count < MaxIdleConnections)
            {
                // Last in, first out: the connections in use stay few and their statements compiled.
                _idle.Push(connection);
                return;
            }
        }
        connection.Dispose();
    }

    private StoreConnection OpenConnection()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using (var command = connection.CreateCommand())
            {
                // Per connection, so once for its life. synchronous = FULL: in WAL mode every commit
                // fsyncs the log before it returns, so what a caller was told is committed survives
                // a power loss (NORMAL could lose the last commits). Group commit pays that fsync once
                // per group of signatures.
                command.CommandText = "PRAGMA busy_timeout = 60000; PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;";
                command.ExecuteNonQuery();
            }
            return new StoreConnection(connection, GiveBack);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
