using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace CodeSigning.Tests.Shared;

/// <summary>
/// A real, throwaway PostgreSQL: <c>initdb</c> into a temporary directory, <c>pg_ctl start</c> on
/// 127.0.0.1 with trust authentication, stopped and deleted when the test run ends. One cluster per
/// test run (<see cref="Shared"/>); each test class takes a fresh database from it.
/// </summary>
/// <remarks>
/// The binaries come from <c>CODESIGN_PG_BIN</c>, else the newest <c>/usr/lib/postgresql/*/bin</c>
/// (Debian's <c>postgresql</c> package). PostgreSQL refuses to run as root, so as root the cluster
/// belongs to and runs as the <c>postgres</c> system user.
/// </remarks>
public sealed class PostgresCluster : IDisposable
{
    private static readonly Lazy<PostgresCluster> Instance = new(Start);
    private readonly string _bin;
    private readonly string _directory;
    private int _databases;

    private PostgresCluster(string bin, string directory, int port)
    {
        _bin = bin;
        _directory = directory;
        Port = port;
    }

    /// <summary>The run's cluster, started on first use and stopped when the process exits.</summary>
    public static PostgresCluster Shared => Instance.Value;

    public int Port { get; }

    private string DataDirectory => Path.Combine(_directory, "data");

    /// <summary>Creates an empty database and returns its URL, <c>postgres://postgres@127.0.0.1:PORT/NAME</c>.</summary>
    public string CreateDatabase()
    {
        var name = $"codesign_{Interlocked.Increment(ref _databases)}";
        Run("psql", "-X", "-q", "-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "-d", "postgres",
            "-c", $"CREATE DATABASE {name}");
        return $"postgres://postgres@127.0.0.1:{Port}/{name}";
    }

    /// <summary>Runs SQL as the superuser in the maintenance database (e.g. to cut a database off).</summary>
    public void Execute(string sql) =>
        Run("psql", "-X", "-q", "-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c", sql);

    /// <summary>
    /// Stops the cluster and deletes its directory in a process of their own: at process exit the
    /// test host may be ended before a large delete finishes, and that must not leave the cluster behind.
    /// </summary>
    public void Dispose()
    {
        var stop = Environment.UserName == "root" ? "runuser -u postgres -- " : "";
        using var cleanup = Process.Start("sh", ["-c", $"{stop}\"$0/pg_ctl\" -D \"$1\" -m fast -w stop >/dev/null 2>&1; rm -rf \"$2\"",
            _bin, DataDirectory, _directory]);
    }

    /// <summary>
    /// A cluster of its own that flushes its write-ahead log at every commit (fsync and
    /// synchronous_commit on), as a production cluster does: for measuring, not for tests. The caller disposes it.
    /// </summary>
    public static PostgresCluster StartDurable() => Start(durable: true);

    private static PostgresCluster Start() => Start(durable: false);

    private static PostgresCluster Start(bool durable)
    {
        var bin = Environment.GetEnvironmentVariable("CODESIGN_PG_BIN") is { Length: > 0 } configured ? configured
            : Directory.Exists("/usr/lib/postgresql")
                ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                    .Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderByDescending(d => d, StringComparer.Ordinal).FirstOrDefault()
                : null;
        if (bin is null)
        {
            throw new InvalidOperationException("PostgreSQL is not installed: apt-get install -y postgresql (or set CODESIGN_PG_BIN)");
        }
        var directory = Directory.CreateTempSubdirectory("codesign-pg-").FullName;
        var cluster = new PostgresCluster(bin, directory, FreePort());
        try
        {
            if (Environment.UserName == "root")
            {
                using var chown = Process.Start("chown", ["postgres:postgres", directory]);
                chown.WaitForExit();
            }
            cluster.Run("initdb", "-D", cluster.DataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync");
            // Durability is not under test: skip fsync. Many server fixtures run at once: allow their pools.
            var durability = durable ? "" : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
            cluster.Run("pg_ctl", "-D", cluster.DataDirectory, "-l", Path.Combine(directory, "postgres.log"), "-w", "-o",
                $"-h 127.0.0.1 -p {cluster.Port} -k {directory} -c max_connections=400{durability}",
                "start");
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
        if (!durable)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.Dispose();
        }
        return cluster;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Run(string tool, params string[] arguments)
    {
        var asRoot = Environment.UserName == "root";
        var info = new ProcessStartInfo(asRoot ? "runuser" : Path.Combine(_bin, tool))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _directory,
        };
        if (asRoot)
        {
            foreach (var prefix in new[] { "-u", "postgres", "--", Path.Combine(_bin, tool) })
            {
                info.ArgumentList.Add(prefix);
            }
        }
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {tool}");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} failed ({process.ExitCode}): {stdout.Result}{stderr.Result}");
        }
    }
}
