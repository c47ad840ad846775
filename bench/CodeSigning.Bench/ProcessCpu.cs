using System.Globalization;

namespace CodeSigning.Bench;

/// <summary>CPU time a process has used so far, user + system, from /proc/&lt;pid&gt;/stat (Linux).</summary>
public static class ProcessCpu
{
    // USER_HZ, the unit of utime and stime: 100 on every Linux ABI (sysconf(_SC_CLK_TCK)).
    private const double TicksPerSecond = 100;

    /// <summary>CPU seconds of every thread of <paramref name="pid"/>; null for this process.</summary>
    public static double Seconds(int? pid = null)
    {
        var stat = File.ReadAllText(pid is { } id ? $"/proc/{id}/stat" : "/proc/self/stat");
        // The command name (field 2) is in parentheses and may hold spaces: count fields after its last ')'.
        // Fields 14 and 15 (utime, stime) are the 12th and 13th after it.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }
}
