using System.Globalization;

namespace CodeSigning.Bench;

/// <summary>CPU time a process has used so far, user + system, from /proc/&lt;pid&gt;/stat (Linux).</summary>
public static class ProcessCpu
{
    // USER_HZ, the unit of utime and stime: 100 on every Linux ABI (sysconf(_SC_CLK_TCK)).
    private const double TicksPerSecond = 100;

    /// <summary>CPU seconds of every thread of <paramref name="pid"/>; null for this process.</summary>
    public static double Seconds(int? pid = null) => Parse(File.ReadAllText(pid is { } id ? $"/proc/{id}/stat" : "/proc/self/stat"));

    /// <summary>
    /// CPU seconds of the threads of <paramref name="pid"/> by thread name (/proc/&lt;pid&gt;/task/*/comm),
    /// numbers dropped so that ".NET TP Worker" or ".NET SocketEng" sum over their kind. A thread that
    /// ends between two readings takes its time with it: compare readings over busy, steady windows.
    /// </summary>
    public static Dictionary<string, double> ByThreadName(int pid)
    {
        var byName = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                var name = string.Concat(File.ReadAllText(Path.Combine(task, "comm")).Trim().Where(c => !char.IsAsciiDigit(c))).Trim();
                byName[name] = byName.GetValueOrDefault(name) + Parse(File.ReadAllText(Path.Combine(task, "stat")));
            }
            catch (IOException)
            {
                // The thread ended while we looked.
            }
        }
        return byName;
    }

    private static double Parse(string stat)
    {
        // The command name (field 2) is in parentheses and may hold spaces: count fields after its last ')'.
        // Fields 14 and 15 (utime, stime) are the 12th and 13th after it.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }
}
