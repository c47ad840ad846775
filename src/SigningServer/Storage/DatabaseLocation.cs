using CodeSigning.Server.Storage.Postgres;
using CodeSigning.Server.Storage.Sqlite;

namespace CodeSigning.Server.Storage;

/// <summary>Where the database lives: SQLite in the data directory, or the PostgreSQL that <c>--database</c> names.</summary>
public sealed record DatabaseLocation(string DataDir, string? Database = null)
{
    public bool IsInitialized() =>
        Database is null ? File.Exists(Path.Combine(DataDir, SqliteStore.FileName)) : PostgresStore.IsInitialized(Database);

    public IStore Open() => Database is null ? SqliteStore.Open(DataDir) : PostgresStore.Open(Database);

    /// <summary>For messages: never the connection string, which may hold a password.</summary>
    public override string ToString() => Database is null ? DataDir : "the PostgreSQL database";
}
