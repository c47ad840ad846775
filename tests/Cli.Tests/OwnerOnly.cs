namespace CodeSigning.Cli.Tests;

internal static class OwnerOnly
{
    /// <summary>The file holds a secret: mode 0600 (Windows has no such mode; ACLs are out of scope).</summary>
    public static void AssertMode(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }
}
