using System.Diagnostics;
using CodeSigning.Ksp.Cng;
using CodeSigning.Pkcs11.Native.Tests;

namespace CodeSigning.Ksp.Native.Tests;

/// <summary>
/// Driver/ksp_driver.c, compiled with gcc once per test run, run as its own process against the
/// published libcodesign-ksp.so (CODESIGN_KSP_MODULE, set by build.sh, else artifacts/native/linux-x64)
/// and the real server's configuration. A crash shows as a signal in the exit code.
/// </summary>
internal static class KspDriver
{
    private static readonly Lazy<string> Program = new(Compile);

    public static string LibraryPath
    {
        get
        {
            var path = Environment.GetEnvironmentVariable("CODESIGN_KSP_MODULE");
            if (string.IsNullOrEmpty(path))
            {
                path = Path.Combine(RepositoryRoot, "artifacts", "native", "linux-x64", "libcodesign-ksp.so");
            }

            Assert.True(File.Exists(path), $"the published KSP is missing at {path}: run ./build.sh build first");
            return path;
        }
    }

    /// <summary>Runs one driver command; with <paramref name="whenReady"/>, runs it when the driver prints "ready" and then lets it go on.</summary>
    public static Output Run(RealServerFixture real, string[] arguments, Func<Task>? whenReady = null)
    {
        var start = new ProcessStartInfo(Program.Value)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(LibraryPath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["CODESIGN_PKCS11_CONFIG"] = real.ConfigPath;
        start.Environment.Remove("CODESIGN_API_KEY");
        start.Environment.Remove("CODESIGN_SERVER");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("ksp_driver did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        var lines = new List<string>();
        while (process.StandardOutput.ReadLine() is { } line)
        {
            lines.Add(line);
            if (line == "ready" && whenReady is not null)
            {
                whenReady().GetAwaiter().GetResult();
                process.StandardInput.WriteLine("go");
                process.StandardInput.Flush();
            }
        }

        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("ksp_driver did not finish within 60 s");
        }

        var output = new Output(process.ExitCode, lines, stderr.Result);
        Assert.True(process.ExitCode == 0, $"ksp_driver {string.Join(' ', arguments)} exited {process.ExitCode} (128+N = signal N):\n{output}\n{real.Log()}");
        return output;
    }

    private static string Compile()
    {
        var program = Path.Combine(Path.GetTempPath(), $"ksp_driver-{Environment.ProcessId}");
        var source = Path.Combine(AppContext.BaseDirectory, "Driver", "ksp_driver.c");
        using var gcc = Process.Start(new ProcessStartInfo("gcc", ["-O1", "-Wall", "-Werror", "-o", program, source, "-ldl"]) { RedirectStandardError = true })!;
        var errors = gcc.StandardError.ReadToEnd();
        gcc.WaitForExit();
        Assert.True(gcc.ExitCode == 0, errors);
        return program;
    }

    private static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "CodeSigning.Pkcs11.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("CodeSigning.Pkcs11.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>What the driver printed: "case 0xSTATUS ..." lines.</summary>
    public sealed record Output(int ExitCode, IReadOnlyList<string> Lines, string StandardError)
    {
        /// <summary>The SECURITY_STATUS the driver reported for <paramref name="name"/> (exactly one such line).</summary>
        public SECURITY_STATUS Status(string name) => (SECURITY_STATUS)Convert.ToUInt32(Fields(name)[0], 16);

        /// <summary>The words after "name " on its line.</summary>
        public string[] Fields(string name)
        {
            var line = Assert.Single(Lines, l => l.StartsWith(name + " ", StringComparison.Ordinal));
            return line[(name.Length + 1)..].Split(' ');
        }

        public override string ToString() => string.Join('\n', Lines) + "\n" + StandardError;
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KspCollection : ICollectionFixture<RealServerFixture>
{
    public const string Name = "KSP against the real server";
}
