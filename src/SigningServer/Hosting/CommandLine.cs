using System.Net;
using CodeSigning.Server.Domain;

namespace CodeSigning.Server.Hosting;

/// <summary><c>codesign-server init --data-dir DIR [--admin-name NAME]</c> and <c>codesign-server --data-dir DIR [--listen HOST:PORT] [--plaintext] [--tls-cert PEM --tls-key PEM]</c>.</summary>
public static class CommandLine
{
    private const string Usage = """
        usage: codesign-server init --data-dir DIR [--admin-name NAME]
               codesign-server --data-dir DIR [--listen HOST:PORT] [--plaintext] [--tls-cert PEM --tls-key PEM]
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var init = args.Length > 0 && args[0] == "init";
        Dictionary<string, string?> options;
        try
        {
            options = Parse(init ? args[1..] : args, init ? ["--data-dir", "--admin-name"] : ["--data-dir", "--listen", "--tls-cert", "--tls-key"], init ? [] : ["--plaintext"]);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"codesign-server: {e.Message}\n{Usage}").ConfigureAwait(false);
            return 2;
        }
        if (options.GetValueOrDefault("--data-dir") is not { Length: > 0 } dataDir)
        {
            await Console.Error.WriteLineAsync($"codesign-server: --data-dir is required\n{Usage}").ConfigureAwait(false);
            return 2;
        }
        dataDir = Path.GetFullPath(dataDir);
        try
        {
            if (init)
            {
                return InitCommand.Run(dataDir, options.GetValueOrDefault("--admin-name") ?? "admin", Console.Out, Console.Error);
            }
            var (address, host, port) = ServerOptions.ParseListen(options.GetValueOrDefault("--listen") ?? ServerOptions.DefaultListen);
            var plaintext = options.ContainsKey("--plaintext");
            if (plaintext && !IPAddress.IsLoopback(address))
            {
                throw new ArgumentException("--plaintext serves without TLS and is allowed on a loopback address only (127.0.0.1, ::1, localhost)");
            }
            var certificate = options.GetValueOrDefault("--tls-cert");
            var key = options.GetValueOrDefault("--tls-key");
            if ((certificate is null) != (key is null) || (plaintext && certificate is not null))
            {
                throw new ArgumentException("--tls-cert and --tls-key go together, and not with --plaintext");
            }
            var server = new ServerOptions(dataDir, address, host, port, plaintext, certificate, key);
            return await ServeCommand.RunAsync(server, new ServerSettings(), TimeProvider.System).ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"codesign-server: {e.Message}").ConfigureAwait(false);
            return 2;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException or ServiceException
                                      or System.Security.Cryptography.CryptographicException)
        {
            await Console.Error.WriteLineAsync($"codesign-server: {e.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    private static Dictionary<string, string?> Parse(string[] args, string[] valued, string[] flags)
    {
        var options = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (flags.Contains(arg))
            {
                options[arg] = null;
            }
            else if (valued.Contains(arg))
            {
                options[arg] = i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{arg} needs a value");
            }
            else
            {
                throw new ArgumentException($"unknown argument '{arg}'");
            }
        }
        return options;
    }
}
