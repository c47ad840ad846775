namespace CodeSigning.Cli.Tests;

internal static class Refusal
{
    /// <summary>The server refused with this ErrorInfo reason: exit 1, one stderr line naming it, nothing on stdout.</summary>
    public static void Assert(CliRun run, string reason)
    {
        Xunit.Assert.True(run.ExitCode == 1, run.ToString());
        Xunit.Assert.Contains($"[{reason}]", run.Error, StringComparison.Ordinal);
        Xunit.Assert.StartsWith("csign: ", run.Error, StringComparison.Ordinal);
        Xunit.Assert.Single(run.Error.TrimEnd().Split('\n'));
        Xunit.Assert.Empty(run.Out);
    }
}
