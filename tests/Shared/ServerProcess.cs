using System.Diagnostics;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Grpc.Net.Client;

namespace CodeSigning.Tests.Shared;

/// <summary>
/// The published <c>codesign-server</c> run for real on a fresh data directory: <c>init</c>, then
/// serve on 127.0.0.1 (port 0 on first start, the same port on restart), TLS unless plaintext was
/// asked for; with <c>CODESIGN_TEST_STORE=postgres</c> on a fresh PostgreSQL database
/// (<see cref="TestDatabase"/>). Link into a test project with
/// <c>&lt;Compile Include="../Shared/**/*.cs" LinkBase="Shared" /&gt;</c>.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly bool _plaintext;
    private readonly StringBuilder _stderr = new();
    private readonly StringBuilder _stdout = new();
    private Process? _process;
    private int _port;

    private readonly IReadOnlyList<string> _serveArguments;
    private readonly IReadOnlyDictionary<string, string> _environment;

    private ServerProcess(string dataDir, bool plaintext, string? database, IReadOnlyList<string>? serveArguments = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        DataDir = dataDir;
        _plaintext = plaintext;
        Database = database;
        _serveArguments = serveArguments ?? [];
        _environment = environment ?? new Dictionary<string, string>();
    }

    /// <summary>The server's data directory (deleted on dispose).</summary>
    public string DataDir { get; }

    /// <summary>The <c>--database</c> the server runs on; null for SQLite in <see cref="DataDir"/>.</summary>
    public string? Database { get; }

    /// <summary>The first Product Admin's API key (<c>csk_...</c>), printed by <c>init</c>.</summary>
    public string AdminApiKey { get; private set; } = "";

    /// <summary><c>https://127.0.0.1:PORT</c>, or <c>http://</c> in plaintext mode.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>The plain-HTTP timestamp authority URL the last start printed (<c>--tsa-listen</c>); null without one.</summary>
    public Uri? TimestampUrl { get; private set; }

    /// <summary>The server's PEM certificate (self-signed, in the data directory); null in plaintext mode.</summary>
    public string? TlsCertificatePath { get; private set; }

    /// <summary>What the server wrote to stderr so far (its log), for failure messages.</summary>
    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>What the serving process wrote to stdout so far ("tls certificate:", "listening on" lines).</summary>
    public string StandardOutput
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    /// <summary>The server binary: <c>CODESIGN_SERVER_BINARY</c>, else <c>&lt;repo&gt;/artifacts/server/codesign-server</c>.</summary>
    public static string BinaryPath =>
        Environment.GetEnvironmentVariable("CODESIGN_SERVER_BINARY") is { Length: > 0 } path
            ? path
            : Path.Combine(RepositoryRoot(), "artifacts", "server", OperatingSystem.IsWindows() ? "codesign-server.exe" : "codesign-server");

    /// <summary>Initializes a fresh data directory and starts the server on it.</summary>
    /// <param name="postgres">A fresh PostgreSQL database whatever <see cref="TestDatabase"/> says (for replicas).</param>
    /// <param name="serveArguments">Extra arguments for serving (not init), e.g. the HSM vault's <c>--hsm-module</c>.</param>
    /// <param name="environment">Extra environment variables for every run of the binary (e.g. <c>CODESIGN_HSM_PIN</c>, <c>SOFTHSM2_CONF</c>).</param>
    /// <param name="database">A PostgreSQL database URL to run on, made by the caller (overrides <paramref name="postgres"/>).</param>
    public static async Task<ServerProcess> StartAsync(bool plaintext = false, string adminName = "admin", bool postgres = false,
        IReadOnlyList<string>? serveArguments = null, IReadOnlyDictionary<string, string>? environment = null, string? database = null)
    {
        database ??= postgres ? PostgresCluster.Shared.CreateDatabase() : TestDatabase.Create();
        var server = new ServerProcess(Directory.CreateTempSubdirectory("codesign-server-").FullName, plaintext, database, serveArguments, environment);
        return await server.StartAsync(() => server.InitAsync(adminName)).ConfigureAwait(false);
    }

    /// <summary>
    /// A second server on another port sharing this one's PostgreSQL database, with a copy of its
    /// data directory (key-encryption key, TLS certificate): what a replica is given in production.
    /// </summary>
    public async Task<ServerProcess> StartReplicaAsync()
    {
        if (Database is null)
        {
            throw new InvalidOperationException("replicas share a PostgreSQL database; this server runs on SQLite");
        }
        var replica = new ServerProcess(Directory.CreateTempSubdirectory("codesign-server-").FullName, _plaintext, Database, _serveArguments, _environment) { AdminApiKey = AdminApiKey };
        return await replica.StartAsync(() =>
        {
            foreach (var file in Directory.EnumerateFiles(DataDir, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(replica.DataDir, Path.GetRelativePath(DataDir, file));
                // With the source directory's mode, as `cp -a` would: the server refuses private directories others may open.
                if (OperatingSystem.IsWindows())
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                }
                else
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!, File.GetUnixFileMode(Path.GetDirectoryName(file)!));
                }
                File.Copy(file, target);
            }
            return Task.CompletedTask;
        }).ConfigureAwait(false);
    }

    private async Task<ServerProcess> StartAsync(Func<Task> prepare)
    {
        try
        {
            await prepare().ConfigureAwait(false);
            await RunAsync().ConfigureAwait(false);
            return this;
        }
        catch
        {
            await DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A channel that sends <c>authorization: Bearer {bearer}</c> on every call and trusts only this server's certificate.</summary>
    public GrpcChannel CreateChannel(string bearer) => GrpcChannel.ForAddress(Url, new GrpcChannelOptions
    {
        HttpHandler = new BearerHandler(bearer, PinnedHandler()),
        DisposeHttpClient = true,
    });

    /// <summary>A client for the REST routes that trusts only this server's certificate (no credentials: set them per request).</summary>
    public HttpClient CreateHttpClient() => new(PinnedHandler());

    private SocketsHttpHandler PinnedHandler()
    {
        var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true };
        if (TlsCertificatePath is not null)
        {
            var expected = X509Certificate2.CreateFromPem(File.ReadAllText(TlsCertificatePath)).GetCertHashString(HashAlgorithmName.SHA256);
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    certificate is not null && string.Equals(certificate.GetCertHashString(HashAlgorithmName.SHA256), expected, StringComparison.OrdinalIgnoreCase),
            };
        }
        return handler;
    }

    /// <summary>Kills the server process at once (no clean shutdown); <see cref="RestartAsync"/> brings it back.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process?.Dispose();
        _process = null;
    }

    /// <summary>Starts the server again on the same data directory and port.</summary>
    public async Task RestartAsync()
    {
        Kill();
        await RunAsync().ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a dying process: the temp directory is reclaimed later.
        }
        return ValueTask.CompletedTask;
    }

    private async Task InitAsync(string adminName)
    {
        using var init = Process.Start(StartInfo(["init", "--data-dir", DataDir, .. DatabaseArguments, "--admin-name", adminName]))
            ?? throw new InvalidOperationException($"cannot start {BinaryPath}");
        var stdout = init.StandardOutput.ReadToEndAsync();
        var stderr = init.StandardError.ReadToEndAsync();
        await init.WaitForExitAsync().ConfigureAwait(false);
        var output = await stdout.ConfigureAwait(false);
        var key = output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("api-key: ", StringComparison.Ordinal));
        if (init.ExitCode != 0 || key is null)
        {
            throw new InvalidOperationException($"codesign-server init failed ({init.ExitCode}):\n{output}\n{await stderr.ConfigureAwait(false)}");
        }
        AdminApiKey = key["api-key: ".Length..];
    }

    private async Task RunAsync()
    {
        var arguments = new List<string>(DatabaseArguments) { "--data-dir", DataDir, "--listen", $"127.0.0.1:{_port}" };
        arguments.AddRange(_serveArguments);
        if (_plaintext)
        {
            arguments.Add("--plaintext");
        }
        var process = Process.Start(StartInfo([.. arguments])) ?? throw new InvalidOperationException($"cannot start {BinaryPath}");
        _process = process;
        var listening = new TaskCompletionSource<(string Url, string? CertificateLine)>(TaskCreationOptions.RunContinuationsAsynchronously);
        string? certificateLine = null;
        Uri? timestampUrl = null;
        process.OutputDataReceived += (_, e) =>
        {
            // Lines arrive one at a time, in order: the certificate line comes before "listening on".
            if (e.Data is not null)
            {
                lock (_stdout)
                {
                    _stdout.AppendLine(e.Data);
                }
            }
            if (e.Data is null)
            {
                listening.TrySetException(new InvalidOperationException($"codesign-server exited before listening:\n{StandardError}"));
            }
            else if (e.Data.StartsWith("tls certificate: ", StringComparison.Ordinal))
            {
                certificateLine = e.Data;
            }
            else if (e.Data.StartsWith("timestamp authority: ", StringComparison.Ordinal))
            {
                timestampUrl = new Uri(e.Data["timestamp authority: ".Length..].Trim());
            }
            else if (e.Data.StartsWith("listening on ", StringComparison.Ordinal))
            {
                listening.TrySetResult((e.Data["listening on ".Length..].Trim(), certificateLine));
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var (url, certificate) = await listening.Task.WaitAsync(StartTimeout).ConfigureAwait(false);
        Url = new Uri(url);
        _port = Url.Port;
        TimestampUrl = timestampUrl;
        if (!_plaintext)
        {
            var line = certificate ?? throw new InvalidOperationException("codesign-server printed no 'tls certificate:' line");
            TlsCertificatePath = line["tls certificate: ".Length..line.LastIndexOf(" sha256:", StringComparison.Ordinal)];
        }
    }

    /// <summary><c>--database URL</c> when the server runs on PostgreSQL, for whoever runs the binary against the same store.</summary>
    public string[] DatabaseArguments => Database is null ? [] : ["--database", Database];

    /// <summary>Runs the binary with these arguments and this server's environment (e.g. <c>rekey</c>); returns its exit code and output.</summary>
    public async Task<(int ExitCode, string Output)> RunCommandAsync(params string[] arguments)
    {
        using var process = Process.Start(StartInfo(arguments))
            ?? throw new InvalidOperationException($"cannot start {BinaryPath}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        return (process.ExitCode, await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false));
    }

    private ProcessStartInfo StartInfo(params string[] arguments)
    {
        var info = new ProcessStartInfo(BinaryPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in _environment)
        {
            info.Environment[name] = value;
        }
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        return info;
    }

    /// <summary>The checkout the tests run from (the folder of CodeSigning.Pkcs11.sln).</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CodeSigning.Pkcs11.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("cannot find the repository root (CodeSigning.Pkcs11.sln); set CODESIGN_SERVER_BINARY");
    }
}
