using System.Runtime.InteropServices;

namespace CodeSigning.Bench;

/// <summary>
/// Sets a variable in the C environment as well as .NET's copy: modules loaded in this process
/// (our NativeAOT module, SoftHSM2) read getenv, which Environment.SetEnvironmentVariable does not change on Unix.
/// </summary>
public static partial class NativeEnvironment
{
    public static void Set(string name, string value)
    {
        if (setenv(name, value, 1) != 0)
        {
            throw new InvalidOperationException($"setenv {name} failed");
        }
        Environment.SetEnvironmentVariable(name, value);
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);
}
