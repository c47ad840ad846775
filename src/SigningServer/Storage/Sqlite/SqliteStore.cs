using Microsoft.Data.Sqlite;

namespace CodeSigning.Server.Storage.Sqlite;

/// <summary>The embedded store: one SQLite file in WAL mode, durable at every commit, writers serialized by <c>BEGIN IMMEDIATE</c>.</summary>
public sealed class SqliteStore : IStore
{
    public const string FileName = "codesign.db";

    private readonly string _connectionString;

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

    // WAL readers see a snapshot and never wait for the writer.
    public IStoreSession BeginRead() => Begin(deferred: true);

    private SqlStoreSession Begin(bool deferred)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using (var command = connection.CreateCommand())
            {
                // synchronous = FULL: in WAL mode every commit fsyncs the log before it returns, so
                // what a caller was told is committed survives a power loss (NORMAL could lose the
                // last commits). Group commit pays that fsync once per group of signatures.
                command.CommandText = "PRAGMA busy_timeout = 60000; PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;";
                command.ExecuteNonQuery();
            }
            // deferred: false = BEGIN IMMEDIATE: take the write lock now, so that what we read
            // cannot change before we commit.
            var transaction = connection.BeginTransaction(deferred);
            return new SqlStoreSession(connection, transaction);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
