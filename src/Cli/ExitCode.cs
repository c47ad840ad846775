namespace CodeSigning.Cli;

/// <summary>Process exit codes; scripts branch on them, so they never change meaning.</summary>
internal static class ExitCode
{
    public const int Ok = 0;
    public const int ServerRefused = 1;
    public const int Usage = 2;
    public const int Unreachable = 3;
    public const int LocalIo = 4;
}
