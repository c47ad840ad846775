namespace CodeSigning.Cli.Tests;

/// <summary>What one csign invocation did: exit code and everything it wrote.</summary>
public sealed record CliRun(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Out}\nstderr:\n{Error}";
}
