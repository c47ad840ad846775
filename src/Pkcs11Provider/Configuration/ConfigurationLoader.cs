using System.Text.Json;

namespace CodeSigning.Pkcs11.Configuration;

/// <summary>
/// Finds, reads and checks the configuration: pInitArgs->pReserved, else CODESIGN_PKCS11_CONFIG,
/// else ~/.config/codesign/pkcs11.json, else /etc/codesign/pkcs11.json; then CODESIGN_SERVER and
/// CODESIGN_API_KEY override the servers and the API key.
/// </summary>
public static class ConfigurationLoader
{
    public const string ConfigVariable = "CODESIGN_PKCS11_CONFIG";
    public const string ServerVariable = "CODESIGN_SERVER";
    public const string ApiKeyVariable = "CODESIGN_API_KEY";

    public static ModuleConfiguration Load(string? explicitPath, Func<string, string?> environment)
    {
        var path = Locate(explicitPath, environment);
        var configuration = path is null ? new ModuleConfiguration() : Read(path);
        configuration = ApplyOverrides(configuration, environment);
        Validate(configuration, path ?? "(no configuration file)");
        return configuration;
    }

    /// <summary>The file to read, or null when none exists and none was named explicitly.</summary>
    public static string? Locate(string? explicitPath, Func<string, string?> environment)
    {
        if (!string.IsNullOrEmpty(explicitPath))
        {
            return explicitPath;
        }

        var fromEnvironment = environment(ConfigVariable);
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }

        var home = environment("HOME");
        string[] candidates = string.IsNullOrEmpty(home)
            ? ["/etc/codesign/pkcs11.json"]
            : [Path.Combine(home, ".config", "codesign", "pkcs11.json"), "/etc/codesign/pkcs11.json"];
        return candidates.FirstOrDefault(File.Exists);
    }

    public static ModuleConfiguration Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"configuration {path}: cannot be read: {ex.Message}");
        }

        ModuleConfiguration? configuration;
        try
        {
            configuration = JsonSerializer.Deserialize(text, ConfigurationJsonContext.Default.ModuleConfiguration);
        }
        catch (JsonException ex)
        {
            throw new ConfigurationException($"configuration {path}: invalid JSON: {ex.Message}");
        }

        if (configuration is null)
        {
            throw new ConfigurationException($"configuration {path}: empty");
        }

        if (configuration.Auth?.ApiKey is not null)
        {
            FilePermissions.RefuseIfShared(path, "holds an API key");
        }

        return configuration;
    }

    private static ModuleConfiguration ApplyOverrides(ModuleConfiguration configuration, Func<string, string?> environment)
    {
        var servers = environment(ServerVariable);
        if (!string.IsNullOrWhiteSpace(servers))
        {
            configuration = configuration with
            {
                Servers = servers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            };
        }

        var apiKey = environment(ApiKeyVariable);
        if (!string.IsNullOrWhiteSpace(apiKey))
        {
            configuration = configuration with { Auth = new AuthConfiguration { ApiKey = apiKey.Trim() } };
        }

        return configuration;
    }

    private static void Validate(ModuleConfiguration configuration, string source)
    {
        if (configuration.Servers.Count == 0)
        {
            throw new ConfigurationException($"configuration {source}: no server: set \"servers\" or {ServerVariable}");
        }

        foreach (var server in configuration.Servers)
        {
            if (!Uri.TryCreate(server, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                throw new ConfigurationException($"configuration {source}: server \"{server}\" is not an https:// (or http:// for h2c) URL");
            }
        }

        if (configuration.Auth is { } auth)
        {
            var ways = (auth.ApiKey is null ? 0 : 1) + (auth.ApiKeyFile is null ? 0 : 1) + (auth.ServiceAccount is null ? 0 : 1);
            if (ways != 1)
            {
                throw new ConfigurationException($"configuration {source}: \"auth\" must hold exactly one of api_key, api_key_file, service_account");
            }

            if (auth.ServiceAccount is { } account && (account.ClientId.Length == 0 || account.PrivateKeyFile.Length == 0))
            {
                throw new ConfigurationException($"configuration {source}: service_account needs client_id and private_key_file");
            }
        }
        else if (configuration.Signers is not { Count: > 0 })
        {
            throw new ConfigurationException($"configuration {source}: without \"auth\" the tokens are the \"signers\" list, which is empty");
        }

        if (configuration.ConnectTimeoutMs <= 0 || configuration.CallTimeoutMs <= 0 || configuration.Retries < 0
            || configuration.ApprovalWaitSeconds < 0 || configuration.CacheTtlSeconds < 0)
        {
            throw new ConfigurationException($"configuration {source}: timeouts must be positive and retries, approval_wait_seconds, cache_ttl_seconds not negative");
        }

        if (configuration.LogLevel is { } level && !Enum.TryParse<Microsoft.Extensions.Logging.LogLevel>(level, ignoreCase: true, out _))
        {
            throw new ConfigurationException($"configuration {source}: log_level \"{level}\" is not one of trace, debug, information, warning, error, critical, none");
        }
    }
}
