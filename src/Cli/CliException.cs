namespace CodeSigning.Cli;

/// <summary>A failure detected by csign itself, with the exit code it maps to.</summary>
internal sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    public static CliException Usage(string message) => new(Cli.ExitCode.Usage, message);

    public static CliException LocalIo(string message) => new(Cli.ExitCode.LocalIo, message);
}
