using System.Reflection;

namespace CodeSigning.Server;

internal static class ServerVersion
{
    public static readonly string Current =
        typeof(ServerVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
