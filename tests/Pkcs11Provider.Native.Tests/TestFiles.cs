using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace CodeSigning.Pkcs11.Native.Tests;

/// <summary>Small helpers the native test fixtures and classes share.</summary>
internal static class TestFiles
{
    /// <summary>Writes a module configuration readable by its owner only, as the module demands for a file holding an API key.</summary>
    public static void WriteConfig(string path, JsonObject config)
    {
        File.WriteAllText(path, config.ToJsonString());
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
}
