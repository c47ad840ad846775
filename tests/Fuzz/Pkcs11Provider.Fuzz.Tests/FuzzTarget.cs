using System.Diagnostics;

namespace CodeSigning.Pkcs11.Fuzz.Tests;

/// <summary>The fuzz target as built next to this project, its seed corpus, and a way to run tools.</summary>
internal static class FuzzTarget
{
    public const string Assembly = "CodeSigning.Pkcs11.Fuzz.dll";

#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    public static string RepositoryRoot
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

    public static string ProjectDirectory => Path.Combine(RepositoryRoot, "tests", "Fuzz", "Pkcs11Provider.Fuzz");

    /// <summary>The uninstrumented build: replays inputs outside afl-fuzz.</summary>
    public static string BuildDirectory
    {
        get
        {
            var directory = Path.Combine(ProjectDirectory, "bin", Configuration, "net10.0");
            Assert.True(File.Exists(Path.Combine(directory, Assembly)), $"the fuzz target is not built in {directory}");
            return directory;
        }
    }

    public static string[] Seeds => Directory.GetFiles(Path.Combine(ProjectDirectory, "seeds"));

    public sealed record Result(int ExitCode, string Output);

    public static Result Run(string file, IReadOnlyDictionary<string, string> environment, TimeSpan limit, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        arguments.ToList().ForEach(start.ArgumentList.Add);
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{file} did not finish within {limit}");
        }

        return new Result(process.ExitCode, stdout.Result + stderr.Result);
    }
}
