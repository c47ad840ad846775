using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;

namespace CodeSigning.Pkcs11.Native.Tests;

/// <summary>Small helpers the native test fixtures and classes share.</summary>
internal static class TestFiles
{
    /// <summary>Writes a module configuration readable by its owner only, as the module demands for a file holding an API key.</summary>
    public static void WriteConfig(string path, JsonObject config) => WriteSecret(path, config.ToJsonString());

    /// <summary>Writes a file readable by its owner only.</summary>
    public static void WriteSecret(string path, string text)
    {
        File.WriteAllText(path, text);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> on <paramref name="count"/> dedicated threads at once (pool
    /// threads blocked in the module would starve an in-process server) and returns the results.
    /// </summary>
    public static T[] OnThreads<T>(int count, Func<int, T> work)
    {
        var results = new T[count];
        var errors = new ConcurrentQueue<Exception>();
        var threads = Enumerable.Range(0, count).Select(i => new Thread(() =>
        {
            try
            {
                results[i] = work(i);
            }
            catch (Exception ex)
            {
                errors.Enqueue(ex);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Empty(errors);
        return results;
    }

    /// <summary>Runs one SQL statement with the sqlite3 tool on a database file, read-only (the server may be using it); returns its output lines.</summary>
    public static string[] Sqlite(string database, string sql)
    {
        using var sqlite = Process.Start(new ProcessStartInfo("sqlite3", ["-readonly", database, sql]) { RedirectStandardOutput = true })!;
        var output = sqlite.StandardOutput.ReadToEnd();
        sqlite.WaitForExit();
        Assert.Equal(0, sqlite.ExitCode);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
