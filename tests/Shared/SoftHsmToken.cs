using System.Diagnostics;
using System.Runtime.InteropServices;

namespace CodeSigning.Tests.Shared;

/// <summary>
/// A fresh SoftHSM2 token in its own directory: its own <c>softhsm2.conf</c> (named by
/// <c>SOFTHSM2_CONF</c>), initialized with <c>softhsm2-util --init-token</c>.
/// </summary>
public sealed class SoftHsmToken : IDisposable
{
    public const string ModulePath = "/usr/lib/softhsm/libsofthsm2.so";
    public const string Label = "codesign-hsm";
    public const string UserPin = "87654321";
    private const string SecurityOfficerPin = "12345678";

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("softhsm-");

    public SoftHsmToken()
    {
        var tokens = Directory.CreateDirectory(Path.Combine(_directory.FullName, "tokens"));
        File.WriteAllText(ConfigPath, $"directories.tokendir = {tokens.FullName}\nobjectstore.backend = file\nlog.level = ERROR\n");
        var info = new ProcessStartInfo("softhsm2-util", ["--init-token", "--free", "--label", Label, "--so-pin", SecurityOfficerPin, "--pin", UserPin])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["SOFTHSM2_CONF"] = ConfigPath },
        };
        using var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start softhsm2-util (apt-get install softhsm2)");
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"softhsm2-util --init-token failed: {output}");
        }
    }

    public string ConfigPath => Path.Combine(_directory.FullName, "softhsm2.conf");

    /// <summary>Points SoftHSM2 loaded in this process at this token (it reads the C environment, not .NET's copy).</summary>
    public void UseInThisProcess()
    {
        if (setenv("SOFTHSM2_CONF", ConfigPath, 1) != 0)
        {
            throw new InvalidOperationException("setenv SOFTHSM2_CONF failed");
        }
    }

    public void Dispose() => _directory.Delete(recursive: true);

    // DllImport, not LibraryImport: the generated marshalling needs unsafe code, which not every project linking this file allows.
    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int setenv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);
}
