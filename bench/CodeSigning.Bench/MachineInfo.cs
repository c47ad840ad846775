using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Serialization;

namespace CodeSigning.Bench;

/// <summary>The machine a run measured, so that figures from different machines are never compared blindly.</summary>
public sealed record MachineInfo(string Cpu, int Cores, double RamGib, string Kernel, string Os, string Dotnet, string Openssl,
    [property: JsonPropertyName("softhsm2")] string SoftHsm2, string LoadAverage)
{
    public static MachineInfo Describe() => new(
        Cpu: ProcField("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
        Cores: Environment.ProcessorCount,
        RamGib: Math.Round(double.Parse(ProcField("/proc/meminfo", "MemTotal")?.Split(' ')[0] ?? "0", CultureInfo.InvariantCulture) / 1024 / 1024, 1),
        Kernel: File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : Environment.OSVersion.VersionString,
        Os: PrettyOsName() ?? RuntimeInformation.OSDescription,
        Dotnet: RuntimeInformation.FrameworkDescription,
        Openssl: ToolVersion("openssl", "version"),
        SoftHsm2: ToolVersion("softhsm2-util", "--version"),
        // 1, 5 and 15 minute averages when the run began: how busy the machine was besides the benchmark.
        LoadAverage: File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]) : "");

    private static string? ProcField(string file, string name) =>
        File.Exists(file)
            ? File.ReadLines(file).Where(l => l.StartsWith(name, StringComparison.Ordinal)).Select(l => l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim()).FirstOrDefault()
            : null;

    private static string? PrettyOsName() =>
        File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").Where(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal)).Select(l => l["PRETTY_NAME=".Length..].Trim('"')).FirstOrDefault()
            : null;

    private static string ToolVersion(string tool, string argument)
    {
        try
        {
            return ToolProcess.Run(tool, [argument]).Trim();
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return "unavailable";
        }
    }
}
