using System.Text.Json;
using System.Text.Json.Serialization;

namespace CodeSigning.Cli.Configuration;

/// <summary>
/// Finds, reads and writes csign.json: <c>CODESIGN_CLI_CONFIG</c>, else
/// <c>~/.config/codesign/csign.json</c>. <c>CODESIGN_SERVER</c>, <c>CODESIGN_API_KEY</c> and
/// <c>CODESIGN_CA_FILE</c> override what the file says, so CI jobs need no file at all. A file
/// holding a credential that other users can read is used, with a warning on stderr (as ssh does).
/// </summary>
internal static class ConfigurationStore
{
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    public static string PathFor(CliContext context)
    {
        var explicitPath = context.GetEnvironment("CODESIGN_CLI_CONFIG");
        if (explicitPath is not null)
        {
            return explicitPath;
        }

        var home = context.GetEnvironment("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".config", "codesign", "csign.json");
    }

    /// <summary>The effective configuration: the file (if any) with the environment's overrides applied.</summary>
    public static CliConfiguration Load(CliContext context)
    {
        var path = PathFor(context);
        var configuration = new CliConfiguration();
        if (File.Exists(path))
        {
            try
            {
                configuration = JsonSerializer.Deserialize<CliConfiguration>(File.ReadAllText(path), JsonOptions)
                    ?? configuration;
            }
            catch (JsonException e)
            {
                throw CliException.LocalIo($"{path} is not valid csign configuration: {e.Message}");
            }
        }

        var server = context.GetEnvironment("CODESIGN_SERVER");
        if (server is not null)
        {
            // The variable is shared with the PKCS#11 module, which takes a list; csign needs one.
            configuration = configuration with { Server = server.Split(',', StringSplitOptions.TrimEntries)[0] };
        }

        var apiKey = context.GetEnvironment("CODESIGN_API_KEY");
        if (apiKey is not null)
        {
            configuration = configuration with { ApiKey = apiKey, ApiKeyFile = null, ServiceAccount = null };
        }

        var caFile = context.GetEnvironment("CODESIGN_CA_FILE");
        if (caFile is not null)
        {
            configuration = configuration with { CaFile = Path.GetFullPath(caFile) };
        }

        if (configuration.ApiKey is not null && apiKey is null)
        {
            WarnIfOthersCanRead(context, path);
        }

        WarnIfOthersCanRead(context, configuration.ApiKeyFile);
        WarnIfOthersCanRead(context, configuration.ServiceAccount?.PrivateKeyFile);
        return configuration;
    }

    private static void WarnIfOthersCanRead(CliContext context, string? path)
    {
        const UnixFileMode GroupOrOthers = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;
        if (path is not null && !OperatingSystem.IsWindows() && File.Exists(path) && (File.GetUnixFileMode(path) & GroupOrOthers) != 0)
        {
            context.Error.WriteLine($"csign: warning: {path} holds a credential and other users can read or change it; restrict it with `chmod 600 {path}` and consider the credential exposed");
        }
    }

    public static void Save(CliContext context, CliConfiguration configuration) =>
        PrivateFile.Write(PathFor(context), JsonSerializer.Serialize(configuration, JsonOptions) + "\n");
}
