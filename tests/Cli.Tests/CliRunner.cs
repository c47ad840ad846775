namespace CodeSigning.Cli.Tests;

/// <summary>
/// Runs csign's real entry point in-process with its own environment and captured console, so tests
/// can run side by side without touching the user's configuration.
/// </summary>
public sealed class CliRunner
{
    private readonly Dictionary<string, string?> _environment;

    public CliRunner(string home, IReadOnlyDictionary<string, string?>? environment = null)
    {
        Home = home;
        _environment = new(environment ?? new Dictionary<string, string?>(), StringComparer.Ordinal)
        {
            ["HOME"] = home,
        };
    }

    public string Home { get; }

    public CliRunner With(string name, string? value) =>
        new(Home, new Dictionary<string, string?>(_environment) { [name] = value });

    public async Task<CliRun> RunAsync(params string[] args) => await RunWithInputAsync(string.Empty, args);

    public async Task<CliRun> RunWithInputAsync(string input, params string[] args)
    {
        using var output = new StringWriter();
        return await RunAsync(output, input, CancellationToken.None, args);
    }

    /// <summary>Runs with a caller-owned stdout (to watch it while the command runs) until done or cancelled.</summary>
    public async Task<CliRun> RunAsync(StringWriter output, CancellationToken cancellationToken, params string[] args) =>
        await RunAsync(output, string.Empty, cancellationToken, args);

    private async Task<CliRun> RunAsync(StringWriter output, string input, CancellationToken cancellationToken, string[] args)
    {
        using var error = new StringWriter();
        using var reader = new StringReader(input);
        var context = new CliContext(output, error, reader, name => _environment.GetValueOrDefault(name), interactive: false);
        var exitCode = await CliApp.RunAsync(args, context, cancellationToken);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Runs and insists on success, returning stdout.</summary>
    public async Task<string> OkAsync(params string[] args)
    {
        var run = await RunAsync(args);
        Assert.True(run.ExitCode == 0, $"csign {string.Join(' ', args)} failed: {run}");
        return run.Out;
    }
}
