using System.Data;
using Npgsql;

namespace CodeSigning.Server.Storage.Postgres;

/// <summary>
/// The shared store: one PostgreSQL database that several server replicas use at once. A
/// transaction-scoped advisory lock keeps SQLite's semantics for every writer that changes what
/// others decide on (it runs alone, reading what every earlier writer committed), while append
/// transactions (a signature: grant unit and audit event) hold it shared and run at once, serialized
/// only per audit chain (docs/deployment.md).
/// </summary>
public sealed class PostgresStore : IStore, IDisposable
{
    // Any fixed number works as long as every replica uses the same one; "CSGN" in ASCII.
    private const long WriterLockKey = 0x4353474E;

    private readonly NpgsqlDataSource _dataSource;

    private PostgresStore(NpgsqlDataSource dataSource) => _dataSource = dataSource;

    /// <summary>Connects to <paramref name="database"/> (see <see cref="PostgresConnectionString"/>) and applies pending migrations.</summary>
    public static PostgresStore Open(string database)
    {
        var builder = new NpgsqlDataSourceBuilder(PostgresConnectionString.Parse(database));
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            // Every signature runs the same dozen statements: prepared once per pooled connection,
            // PostgreSQL no longer parses and plans them on each call.
            builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
        }
        var dataSource = builder.Build();
        try
        {
            PostgresMigrations.Apply(dataSource);
            return new PostgresStore(dataSource);
        }
        catch
        {
            dataSource.Dispose();
            throw;
        }
    }

    /// <summary>Whether <c>init</c> has run against this database; reads only, so a mistaken <c>serve</c> creates nothing.</summary>
    public static bool IsInitialized(string database)
    {
        using var dataSource = NpgsqlDataSource.Create(PostgresConnectionString.Parse(database));
        using var command = dataSource.CreateCommand("SELECT to_regclass('settings') IS NOT NULL");
        if (command.ExecuteScalar() is not true)
        {
            return false;
        }
        using var settings = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM settings)");
        return settings.ExecuteScalar() is true;
    }

    // READ COMMITTED, not REPEATABLE READ: the lock is the first statement, and every statement
    // after it takes a fresh snapshot, so the session sees all that the previous lock holder
    // committed. Under REPEATABLE READ the snapshot would date from before the wait.
    public IStoreSession Begin() => Begin(IsolationLevel.ReadCommitted, WriterLock.Exclusive);

    // Shared: appends on other chains go on meanwhile; a Begin() writer waits for them all and they for it.
    public IStoreSession BeginAppend() => Begin(IsolationLevel.ReadCommitted, WriterLock.Shared);

    public bool ParallelAppends => true;

    // A snapshot that neither waits for nor blocks writers; PostgreSQL refuses writes in it.
    public IStoreSession BeginRead() => Begin(IsolationLevel.RepeatableRead, WriterLock.None);

    // One round trip instead of BEGIN, SET TRANSACTION READ ONLY, the statement and ROLLBACK.
    public long AuthorizationVersion()
    {
        using var connection = new StoreConnection(_dataSource.OpenConnection());
        return SqlStoreSession.ReadAuthorizationVersion(connection, null);
    }

    public void Dispose() => _dataSource.Dispose();

    internal static void LockWriters(NpgsqlConnection connection, NpgsqlTransaction transaction, bool shared = false)
    {
        using var command = new NpgsqlCommand($"SELECT pg_advisory_xact_lock{(shared ? "_shared" : "")}({WriterLockKey})", connection, transaction);
        command.ExecuteNonQuery();
    }

    private SqlStoreSession Begin(IsolationLevel isolation, WriterLock writerLock)
    {
        var connection = _dataSource.OpenConnection();
        try
        {
            var transaction = connection.BeginTransaction(isolation);
            if (writerLock == WriterLock.None)
            {
                using var readOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", connection, transaction);
                readOnly.ExecuteNonQuery();
            }
            else
            {
                LockWriters(connection, transaction, shared: writerLock == WriterLock.Shared);
            }
            // Npgsql pools the connections and keeps their prepared statements itself (MaxAutoPrepare);
            // the command cache lasts for this session, which helps a group commit's repeated statements.
            return new SqlStoreSession(new StoreConnection(connection), transaction, StoreDialect.Postgres, appendOnly: writerLock == WriterLock.Shared);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private enum WriterLock
    {
        None,
        Shared,
        Exclusive,
    }
}
