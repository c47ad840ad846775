using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using System.Net;
using CodeSigning.Server.Domain;
using CodeSigning.Server.Storage;
using CodeSigning.Server.Storage.Postgres;
using CodeSigning.Server.Timestamping;

namespace CodeSigning.Server.Hosting;

/// <summary><c>codesign-server init</c>, <c>rekey</c>, <c>recover-admin</c>, <c>tsa-rotate</c> and <c>codesign-server --data-dir DIR ...</c> (serve); see <see cref="Usage"/>.</summary>
public static partial class CommandLine
{
    private const string Usage = """
        usage: codesign-server init --data-dir DIR [--database URL] [--admin-name NAME]
               codesign-server rekey --data-dir DIR [--database URL] [--stage]
               codesign-server recover-admin --data-dir DIR [--database URL] --user NAME
               codesign-server tsa-rotate --data-dir DIR [--database URL] [--key-vault software|pkcs11] [--hsm-module PATH --hsm-token LABEL [--hsm-pin-file FILE]]
               codesign-server --data-dir DIR [--database URL] [--listen HOST:PORT] [--plaintext] [--tls-cert PEM --tls-key PEM]
                               [--key-vault software|pkcs11] [--hsm-module PATH --hsm-token LABEL [--hsm-pin-file FILE]]
                               [--tsa off|anonymous|authenticated] [--tsa-listen HOST:PORT] [--tsa-policy OID]
                               [--tsa-rate-limit PER_MINUTE] [--tsa-audit-interval SECONDS]
                               [--audit-checkpoint-interval SECONDS] [--console-idle-timeout SECONDS]
               codesign-server --help

          init           creates the data directory, database, CA and TLS certificate, and prints the first
                         Product Admin's API key (valid 90 days)
          rekey          rotates the software vault's key-encryption key
          recover-admin  prints a new API key (90 days) for a Product Admin, making the user if the name is
                         new; for an admin who lost theirs. Needs the data directory, not a credential; audited
          tsa-rotate     gives the timestamp authority a new key and certificate (docs/tsa.md)
          (no command)   serves on HOST:PORT (default 0.0.0.0:8443)

          The HSM PIN comes from --hsm-pin-file or the environment variable CODESIGN_HSM_PIN, never the command line.
          The data directory, the database and the TLS key must not be readable by group or others.
        """;

    private const string HsmPinVariable = "CODESIGN_HSM_PIN";

    public static async Task<int> RunAsync(string[] args)
    {
        var root = CommandTree();
        // `codesign-server help` is `codesign-server --help`.
        var parsed = root.Parse(args is ["help", .. var rest] ? [.. rest, "--help"] : args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.Action is HelpAction)
        {
            await Console.Out.WriteAsync(Usage).ConfigureAwait(false);
            await Console.Out.WriteLineAsync().ConfigureAwait(false);
            parsed.Invoke(new InvocationConfiguration { Output = Console.Out });
            return 0;
        }
        if (parsed.Errors.Count > 0)
        {
            var error = parsed.UnmatchedTokens is [var unknown, ..] ? $"unknown argument '{unknown}'" : parsed.Errors[0].Message;
            var words = parsed.CommandResult.Command == root ? "codesign-server" : $"codesign-server {parsed.CommandResult.Command.Name}";
            await Console.Error.WriteLineAsync($"codesign-server: {error}; {words} --help lists the options").ConfigureAwait(false);
            return 2;
        }
        var command = parsed.CommandResult.Command == root ? "serve" : parsed.CommandResult.Command.Name;
        var options = Values(parsed);
        if (options.GetValueOrDefault("--data-dir") is not { Length: > 0 } dataDir)
        {
            await Console.Error.WriteLineAsync($"codesign-server: --data-dir is required\n{Usage}").ConfigureAwait(false);
            return 2;
        }
        dataDir = Path.GetFullPath(dataDir);
        // Null keeps SQLite in the data directory; a bad value fails before anything is written.
        var database = options.GetValueOrDefault("--database");
        try
        {
            if (database is not null)
            {
                _ = PostgresConnectionString.Parse(database);
            }
            if (command == "init")
            {
                return InitCommand.Run(dataDir, options.GetValueOrDefault("--admin-name") ?? "admin", Console.Out, Console.Error, database);
            }
            if (command == "rekey")
            {
                return RekeyCommand.Run(new DatabaseLocation(dataDir, database), options.ContainsKey("--stage"), Console.Out);
            }
            if (command == "tsa-rotate")
            {
                return TsaRotateCommand.Run(new DatabaseLocation(dataDir, database), options.GetValueOrDefault("--key-vault") ?? Keys.SoftwareKeyVault.VaultKind,
                    HsmOptions(options), Console.Out);
            }
            if (command == "recover-admin")
            {
                var user = options.GetValueOrDefault("--user") is { Length: > 0 } name ? name : throw new ArgumentException("recover-admin needs --user NAME");
                return RecoverAdminCommand.Run(new DatabaseLocation(dataDir, database), user, new ServerSettings(), Console.Out, Console.Error);
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
            var timestamping = TimestampingOptions(options);
            var timestampListen = options.GetValueOrDefault("--tsa-listen") is { } tsaListen ? ServerOptions.ParseListen(tsaListen, "--tsa-listen") : ((IPAddress, string, int)?)null;
            if (timestampListen is not null && timestamping.Access == TimestampAccess.Off)
            {
                throw new ArgumentException("--tsa-listen serves the timestamp authority, which --tsa off turns off");
            }
            var server = new ServerOptions(dataDir, address, host, port, plaintext, certificate, key, database,
                options.GetValueOrDefault("--key-vault") ?? Keys.SoftwareKeyVault.VaultKind, HsmOptions(options), timestamping, timestampListen);
            return await ServeCommand.RunAsync(server, Settings(options), TimeProvider.System).ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"codesign-server: {e.Message}").ConfigureAwait(false);
            return 2;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException or ServiceException
                                      or System.Security.Cryptography.CryptographicException or System.Data.Common.DbException)
        {
            await Console.Error.WriteLineAsync($"codesign-server: {e.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    private static ServerSettings Settings(Dictionary<string, string?> options)
    {
        var settings = new ServerSettings();
        if (options.GetValueOrDefault("--audit-checkpoint-interval") is { } interval)
        {
            settings = int.TryParse(interval, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds is > 0 and <= 86400
                ? settings with { AuditCheckpointInterval = TimeSpan.FromSeconds(seconds) }
                : throw new ArgumentException("--audit-checkpoint-interval is a number of seconds, 1 to 86400");
        }
        if (options.GetValueOrDefault("--console-idle-timeout") is { } idle)
        {
            settings = int.TryParse(idle, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds is > 0 and <= 86400
                ? settings with { ConsoleIdleTimeout = TimeSpan.FromSeconds(seconds) }
                : throw new ArgumentException("--console-idle-timeout is a number of seconds, 1 to 86400");
        }
        return settings;
    }

    /// <summary>The HSM vault settings, or null when none is given; the PIN never comes from the command line.</summary>
    private static Keys.Pkcs11VaultOptions? HsmOptions(Dictionary<string, string?> options)
    {
        var module = options.GetValueOrDefault("--hsm-module");
        var token = options.GetValueOrDefault("--hsm-token");
        var pinFile = options.GetValueOrDefault("--hsm-pin-file");
        if (module is null && token is null && pinFile is null)
        {
            return null;
        }
        if (module is null || token is null)
        {
            throw new ArgumentException("the HSM vault needs both --hsm-module PATH and --hsm-token LABEL");
        }
        var pin = pinFile is not null ? File.ReadAllText(pinFile).TrimEnd('\r', '\n')
            : Environment.GetEnvironmentVariable(HsmPinVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment
            : throw new ArgumentException($"the HSM vault needs its PIN: --hsm-pin-file FILE or the environment variable {HsmPinVariable}");
        return new Keys.Pkcs11VaultOptions(module, token, pin);
    }

    private static TimestampingOptions TimestampingOptions(Dictionary<string, string?> options)
    {
        var access = options.GetValueOrDefault("--tsa") switch
        {
            null or "anonymous" => TimestampAccess.Anonymous,
            "off" => TimestampAccess.Off,
            "authenticated" => TimestampAccess.Authenticated,
            var other => throw new ArgumentException($"--tsa '{other}' is not off, anonymous or authenticated"),
        };
        var policy = options.GetValueOrDefault("--tsa-policy") ?? Timestamping.TimestampingOptions.DefaultPolicyOid;
        if (!ObjectIdentifier().IsMatch(policy))
        {
            throw new ArgumentException($"--tsa-policy '{policy}' is not an object identifier such as 1.3.6.1.4.1.99999.1");
        }
        return new TimestampingOptions(access, policy,
            Count(options, "--tsa-rate-limit", Timestamping.TimestampingOptions.DefaultRequestsPerMinute, minimum: 0),
            TimeSpan.FromSeconds(Count(options, "--tsa-audit-interval", (int)Timestamping.TimestampingOptions.DefaultAuditInterval.TotalSeconds, minimum: 1)));
    }

    private static int Count(Dictionary<string, string?> options, string option, int fallback, int minimum) =>
        options.GetValueOrDefault(option) is not { } text ? fallback
        : int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= minimum ? value
        : throw new ArgumentException($"{option} '{text}' is not a whole number of at least {minimum}");

    [System.Text.RegularExpressions.GeneratedRegex(@"^[0-2](\.(0|[1-9][0-9]*))+$")]
    private static partial System.Text.RegularExpressions.Regex ObjectIdentifier();

    /// <summary>
    /// The commands and their options, for parsing and <c>--help</c>. Values stay text: the code
    /// above checks them with messages that name the option.
    /// </summary>
    internal static RootCommand CommandTree()
    {
        Option DataDir() => Text("--data-dir", "DIR", "the data directory: database (SQLite), vault, CA, TLS certificate (required)");
        Option Database() => Text("--database", "URL", "a PostgreSQL database (postgres://...) instead of SQLite in the data directory");
        Option[] Hsm() =>
        [
            Text("--key-vault", "software|pkcs11", "the vault of keys made without naming one (default software)"),
            Text("--hsm-module", "PATH", "the HSM's PKCS#11 module"),
            Text("--hsm-token", "LABEL", "the HSM token's label"),
            Text("--hsm-pin-file", "FILE", $"a file holding the token's user PIN (else ${HsmPinVariable})"),
        ];
        var root = new RootCommand("The CodeSigning server: serves the signing API (with no command), or initializes and maintains its data directory.");
        foreach (var option in (Option[])
        [
            DataDir(), Database(),
            Text("--listen", "HOST:PORT", $"where to serve (default {ServerOptions.DefaultListen})"),
            Switch("--plaintext", "serve without TLS (loopback addresses only)"),
            Text("--tls-cert", "PEM", "the TLS certificate (default: the one init made in the data directory)"),
            Text("--tls-key", "PEM", "the TLS certificate's private key"),
            .. Hsm(),
            Text("--tsa", "off|anonymous|authenticated", "who may use the timestamp authority (default anonymous)"),
            Text("--tsa-listen", "HOST:PORT", "also serve the timestamp authority alone over plain HTTP here"),
            Text("--tsa-policy", "OID", "the TSA policy OID in its tokens"),
            Text("--tsa-rate-limit", "PER_MINUTE", "timestamp requests per minute per client (0: no limit)"),
            Text("--tsa-audit-interval", "SECONDS", "how often timestamp counts are summarised in the audit log"),
            Text("--audit-checkpoint-interval", "SECONDS", "how often the audit chain's head is signed (1 to 86400)"),
            Text("--console-idle-timeout", "SECONDS", "a web console session ends after this long without a request (1 to 86400, default 900)"),
        ])
        {
            root.Options.Add(option);
        }
        // Serving is the root command's own work: run by RunAsync once the words parse.
        root.SetAction(_ => 0);
        root.Subcommands.Add(Command("init", "create the data directory, database, CA and TLS certificate; print the first Product Admin's API key (valid 90 days)",
            DataDir(), Database(), Text("--admin-name", "NAME", "the first Product Admin's user name (default admin)")));
        root.Subcommands.Add(Command("rekey", "rotate the software vault's key-encryption key",
            DataDir(), Database(), Switch("--stage", "add the new key without using it yet (for servers sharing a database)")));
        root.Subcommands.Add(Command("recover-admin", "print a new API key (90 days) for a Product Admin, making the user if the name is new; audited",
            DataDir(), Database(), Text("--user", "NAME", "the Product Admin (required)")));
        root.Subcommands.Add(Command("tsa-rotate", "give the timestamp authority a new key and certificate (docs/tsa.md)",
            [DataDir(), Database(), .. Hsm()]));
        return root;
    }

    private static Command Command(string name, string description, params Option[] options)
    {
        var command = new Command(name, description);
        foreach (var option in options)
        {
            command.Options.Add(option);
        }
        return command;
    }

    private static Option<string> Text(string name, string valueName, string description) => new(name) { HelpName = valueName, Description = description };

    private static Option<bool> Switch(string name, string description) => new(name) { Description = description, Arity = ArgumentArity.Zero };

    /// <summary>The options given, by name; a switch maps to null, as the code above reads them.</summary>
    private static Dictionary<string, string?> Values(ParseResult parsed)
    {
        var options = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var option in parsed.CommandResult.Children.OfType<OptionResult>().Where(o => !o.Implicit))
        {
            options[option.Option.Name] = option.Option is Option<string> text ? parsed.GetValue(text) : null;
        }
        return options;
    }
}
