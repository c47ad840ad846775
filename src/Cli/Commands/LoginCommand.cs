using System.CommandLine;
using CodeSigning.Cli.Configuration;
using CodeSigning.Cli.Output;
using CodeSigning.Cli.Parsing;
using Google.Protobuf.WellKnownTypes;

namespace CodeSigning.Cli.Commands;

/// <summary><c>csign login</c>: checks the credential against the server, then stores it (0600).</summary>
internal static class LoginCommand
{
    private const string Details = """
        Checks the credential with the server (WhoAmI), then writes it to ~/.config/codesign/csign.json
        (or $CODESIGN_CLI_CONFIG) readable by you only. --ca-file names the PEM certificate the server's
        TLS certificate chains to (for a server with a self-signed certificate: that certificate).

        """;

    public static Command Command() => new Verb("login", "store the server and credential csign uses", RunAsync,
        Flags.Text("server", "the server URL, e.g. https://signing.example.com:8443", "URL"),
        Flags.Text("api-key", "an API key (csk_...)", "KEY"),
        Flags.Text("api-key-file", "a file holding the API key", "FILE"),
        Flags.Text("service-account", "log in as this service account (its client id), with --private-key", "CLIENT_ID"),
        Flags.Text("private-key", "the service account's private key, PEM", "FILE"),
        Flags.Text("key-id", "which of the service account's keys --private-key is", "ID"),
        Flags.Text("ca-file", "the PEM certificate the server's TLS certificate chains to", "PEM"))
    {
        Details = Details,
    };

    private static async Task RunAsync(Invocation invocation)
    {
        var args = invocation.Args;
        var server = args.Required("server", "the server URL, e.g. https://signing.example.com:8443");
        var apiKey = args.Option("api-key");
        var apiKeyFile = FullPath(args.Option("api-key-file"));
        var clientId = args.Option("service-account");
        var privateKey = FullPath(args.Option("private-key"));
        var keyId = args.Option("key-id");
        var caFile = FullPath(args.Option("ca-file"));

        if (new[] { apiKey, apiKeyFile, clientId }.Count(v => v is not null) != 1)
        {
            throw CliException.Usage("give exactly one credential: --api-key, --api-key-file or --service-account");
        }

        if ((clientId is null) != (privateKey is null) || (keyId is not null && clientId is null))
        {
            throw CliException.Usage("--service-account goes with --private-key (and optionally --key-id), and only with it");
        }

        var configuration = new CliConfiguration
        {
            Server = server,
            CaFile = caFile,
            ApiKey = apiKey,
            ApiKeyFile = apiKeyFile,
            ServiceAccount = clientId is null
                ? null
                : new ServiceAccountCredential { ClientId = clientId, PrivateKeyFile = privateKey!, KeyId = keyId },
        };
        foreach (var file in new[] { caFile, apiKeyFile, privateKey })
        {
            if (file is not null && !File.Exists(file))
            {
                throw CliException.LocalIo($"{file} does not exist");
            }
        }

        using var connection = await invocation.ConnectAsync(configuration).ConfigureAwait(false);
        var me = await connection.Identity.WhoAmIAsync(new Empty(), cancellationToken: invocation.CancellationToken).ConfigureAwait(false);
        ConfigurationStore.Save(invocation.Context, configuration);
        invocation.Printer.Print(me, writer =>
        {
            var admin = me.ProductAdmin ? " (Product Admin)" : string.Empty;
            writer.WriteLine($"logged in to {server} as {PrincipalText.Format(me.Principal)}{admin}");
            writer.WriteLine($"configuration written to {ConfigurationStore.PathFor(invocation.Context)}");
        });
    }

    private static string? FullPath(string? path) => path is null ? null : Path.GetFullPath(path);
}
