using System.Globalization;

namespace CodeSigning.Bench;

/// <summary>Resident memory of a process from /proc/&lt;pid&gt;/status (Linux).</summary>
public static class ProcessMemory
{
    /// <summary>VmRSS (now) and VmHWM (the peak so far), in MiB.</summary>
    public static (double Rss, double Peak) Read(int pid)
    {
        var lines = File.ReadAllLines($"/proc/{pid}/status");
        return (Field(lines, "VmRSS:"), Field(lines, "VmHWM:"));
    }

    /// <summary>The one process whose command line holds <paramref name="argument"/> as an argument.</summary>
    public static int FindByArgument(string argument)
    {
        var matches = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }
            try
            {
                if (File.ReadAllText(Path.Combine(directory, "cmdline")).Split('\0').Contains(argument))
                {
                    matches.Add(pid);
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
            catch (UnauthorizedAccessException)
            {
                // Another user's process: not ours.
            }
        }
        return matches.Count == 1 ? matches[0]
            : throw new InvalidOperationException($"expected one process with argument {argument}, found {matches.Count}");
    }

    private static double Field(string[] lines, string name)
    {
        var line = lines.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"/proc status has no {name}");
        var kib = long.Parse(line[name.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return kib / 1024.0;
    }
}
