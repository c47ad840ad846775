namespace CodeSigning.Tests.Shared;

/// <summary>
/// The store the test servers use: <c>CODESIGN_TEST_STORE=postgres</c> gives each server a fresh
/// database in the run's <see cref="PostgresCluster"/>; unset (or <c>sqlite</c>) keeps SQLite in the data directory.
/// </summary>
public static class TestDatabase
{
    public static bool IsPostgres =>
        string.Equals(Environment.GetEnvironmentVariable("CODESIGN_TEST_STORE"), "postgres", StringComparison.OrdinalIgnoreCase);

    /// <summary>A <c>--database</c> value for a new server, or null for SQLite.</summary>
    public static string? Create() => IsPostgres ? PostgresCluster.Shared.CreateDatabase() : null;
}
