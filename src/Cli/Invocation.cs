using CodeSigning.Cli.Configuration;
using CodeSigning.Cli.Connection;
using CodeSigning.Cli.Output;
using CodeSigning.Cli.Parsing;

namespace CodeSigning.Cli;

/// <summary>One command being run: its arguments, the console, and the way to the server.</summary>
internal sealed class Invocation(CliContext context, Arguments arguments, CancellationToken cancellationToken)
{
    private Printer? _printer;

    public CliContext Context { get; } = context;

    public Arguments Args { get; } = arguments;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>The server in use, once known: error messages name it.</summary>
    public string? Server { get; private set; }

    public Printer Printer => _printer ??= new Printer(Context.Out, Args.Flag("json"));

    /// <summary>Connects with the stored configuration.</summary>
    public Task<ServerConnection> ConnectAsync() => ConnectAsync(ConfigurationStore.Load(Context));

    public async Task<ServerConnection> ConnectAsync(CliConfiguration configuration)
    {
        Server = configuration.Server;
        return await ServerConnection.OpenAsync(configuration, CancellationToken).ConfigureAwait(false);
    }
}
