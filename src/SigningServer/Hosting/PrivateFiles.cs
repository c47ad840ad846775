using CodeSigning.Server.Storage.Sqlite;

namespace CodeSigning.Server.Hosting;

/// <summary>
/// The server refuses to start while its secrets are open to other users: the data directory, the
/// SQLite database (and its -wal / -shm), the TLS private key and the web console's session keys,
/// like the key-encryption key.
/// Anyone who can read them can read the audit log and credentials' hashes, or impersonate the
/// server; anyone who can write them can rewrite the database.
/// </summary>
public static class PrivateFiles
{
    private const UnixFileMode GroupOrOthersReadWrite =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;

    /// <param name="tlsKeyPath">The TLS private key in use; null when serving plaintext.</param>
    /// <exception cref="InvalidOperationException">One of them is readable or writable by group or others; the message names it and the fix.</exception>
    public static void Require(string dataDir, bool sqlite, string? tlsKeyPath)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        Check(dataDir, "data directory", "700");
        if (sqlite)
        {
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                Check(Path.Combine(dataDir, SqliteStore.FileName + suffix), "database file", "600");
            }
        }
        if (tlsKeyPath is not null)
        {
            Check(tlsKeyPath, "TLS private key", "600");
        }
        var keyRing = WebConsole.ConsoleKeyRing.DirectoryPath(dataDir);
        Check(keyRing, "web console key ring", "700");
        foreach (var key in Directory.Exists(keyRing) ? Directory.EnumerateFiles(keyRing) : [])
        {
            Check(key, "web console session key", "600");
        }
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void Check(string path, string what, string mode)
    {
        if ((File.Exists(path) || Directory.Exists(path)) && (File.GetUnixFileMode(path) & GroupOrOthersReadWrite) != 0)
        {
            throw new InvalidOperationException(
                $"the {what} {path} is readable or writable by other users; restrict it with `chmod {mode} {path}` (and check who may have read it), then start again");
        }
    }
}
