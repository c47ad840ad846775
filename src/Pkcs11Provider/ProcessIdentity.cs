using System.Runtime.InteropServices;

namespace CodeSigning.Pkcs11;

/// <summary>
/// Who is signing, for the server's audit event, and the real process id: .NET caches
/// Environment.ProcessId, which a fork() child inherits, so the fork check asks the kernel.
/// </summary>
internal static partial class ProcessIdentity
{
    public static string Host { get; } = Environment.MachineName;

    public static string Process { get; } = Path.GetFileName(Environment.ProcessPath) ?? "unknown";

    public static int CurrentPid() => OperatingSystem.IsWindows() ? Environment.ProcessId : getpid();

    [DllImport("libc", EntryPoint = "getpid")]
#pragma warning disable SYSLIB1054 // getpid takes and returns plain ints: no marshalling to generate.
    private static extern int getpid();
#pragma warning restore SYSLIB1054
}
