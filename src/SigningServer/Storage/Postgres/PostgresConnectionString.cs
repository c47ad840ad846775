using Npgsql;

namespace CodeSigning.Server.Storage.Postgres;

/// <summary>
/// <c>--database</c>: a URL <c>postgres://user[:password]@host[:port]/db[?sslmode=...]</c> or a
/// key=value connection string (<c>Host=...;Database=...;Username=...</c>).
/// </summary>
public static class PostgresConnectionString
{
    /// <exception cref="ArgumentException">The text is neither; the message never repeats a password.</exception>
    public static string Parse(string database)
    {
        if (!database.Contains("://", StringComparison.Ordinal))
        {
            try
            {
                return new NpgsqlConnectionStringBuilder(database).ConnectionString;
            }
            catch (ArgumentException)
            {
                throw new ArgumentException("--database is not a valid PostgreSQL connection string");
            }
        }
        if (!Uri.TryCreate(database, UriKind.Absolute, out var uri) || uri.Scheme is not ("postgres" or "postgresql") || uri.Host.Length == 0)
        {
            throw new ArgumentException("--database must be postgres://user@host:port/database or a Host=...;Database=... connection string");
        }
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host.Trim('[', ']'),
            Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')) is { Length: > 0 } name ? name : null,
        };
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0)
            {
                builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            }
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..]);
            try
            {
                builder[key] = value;
            }
            catch (ArgumentException)
            {
                throw new ArgumentException($"--database: unknown or invalid parameter '{key}'");
            }
        }
        return builder.ConnectionString;
    }
}
