namespace CodeSigning.Cli;

/// <summary>
/// Everything csign touches outside itself: the console and the environment. Tests build one with
/// their own writers and variables so that commands run in-process, side by side.
/// </summary>
internal sealed class CliContext(
    TextWriter output,
    TextWriter error,
    TextReader input,
    Func<string, string?> environment,
    bool interactive)
{
    public TextWriter Out { get; } = output;

    public TextWriter Error { get; } = error;

    public TextReader In { get; } = input;

    /// <summary>True when a person is at the terminal: prompts and progress lines make sense.</summary>
    public bool Interactive { get; } = interactive;

    public string? GetEnvironment(string name)
    {
        var value = environment(name);
        return string.IsNullOrWhiteSpace(value) ? null : value;
    }

    public static CliContext FromConsole() => new(
        Console.Out,
        Console.Error,
        Console.In,
        Environment.GetEnvironmentVariable,
        !Console.IsInputRedirected && !Console.IsErrorRedirected);

    /// <summary>Shows what a slow step is doing, to people only: scripts read stdout and stderr untouched.</summary>
    public void Progress(string message)
    {
        if (Interactive)
        {
            Error.WriteLine($"... {message}");
        }
    }

    /// <summary>Asks a question on the terminal; <paramref name="fallback"/> answers an empty line.</summary>
    public string Prompt(string question, string? fallback = null)
    {
        Error.Write(fallback is null ? $"{question}: " : $"{question} [{fallback}]: ");
        var answer = In.ReadLine() ?? throw CliException.Usage($"no answer to \"{question}\" (end of input)");
        answer = answer.Trim();
        return answer.Length > 0 ? answer : fallback ?? Prompt(question);
    }
}
