using System.Data;
using Npgsql;

namespace CodeSigning.Server.Storage.Postgres;

/// <summary>
/// The shared store: one PostgreSQL database that several server replicas use at once. Writers are
/// serialized across replicas by a transaction-scoped advisory lock, which keeps SQLite's semantics
/// (one writer at a time, reading what every earlier writer committed).
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
    public IStoreSession Begin() => Begin(IsolationLevel.ReadCommitted, lockWriters: true);

    // A snapshot that neither waits for nor blocks writers; PostgreSQL refuses writes in it.
    public IStoreSession BeginRead() => Begin(IsolationLevel.RepeatableRead, lockWriters: false);

    // One round trip instead of BEGIN, SET TRANSACTION READ ONLY, the statement and ROLLBACK.
    public long AuthorizationVersion()
    {
        using var connection = new StoreConnection(_dataSource.OpenConnection());
        return SqlStoreSession.ReadAuthorizationVersion(connection, null);
    }

    public void Dispose() => _dataSource.Dispose();

    internal static void LockWriters(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        using var command = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({WriterLockKey})", connection, transaction);
        command.ExecuteNonQuery();
    }

    private SqlStoreSession Begin(IsolationLevel isolation, bool lockWriters)
    {
        var connection = _dataSource.OpenConnection();
        try
        {
            var transaction = connection.BeginTransaction(isolation);
            if (lockWriters)
            {
                LockWriters(connection, transaction);
            }
            else
            {
                using var readOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", connection, transaction);
                readOnly.ExecuteNonQuery();
            }
            // Npgsql pools the connections and keeps their prepared statements itself (MaxAutoPrepare);
            // the command cache lasts for this session, which helps a group commit's repeated statements.
            return new SqlStoreSession(new StoreConnection(connection), transaction);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
