using System.Text.Json.Serialization;

namespace CodeSigning.Pkcs11.Configuration;

/// <summary>The module configuration file (JSON, snake_case), as `csign pkcs11 setup` writes it.</summary>
public sealed record ModuleConfiguration
{
    public IReadOnlyList<string> Servers { get; init; } = [];

    public string? TlsCaFile { get; init; }

    public AuthConfiguration? Auth { get; init; }

    /// <summary>Optional allow-list of Signer names or ids; without credentials, the Signers to offer as tokens.</summary>
    public IReadOnlyList<string>? Signers { get; init; }

    public int ConnectTimeoutMs { get; init; } = 3000;

    public int CallTimeoutMs { get; init; } = 10000;

    public int Retries { get; init; } = 2;

    public int ApprovalWaitSeconds { get; init; }

    public int CacheTtlSeconds { get; init; } = 60;

    public string? LogLevel { get; init; }

    public string? LogFile { get; init; }

    /// <summary>True when the module itself holds credentials, so tokens need no login.</summary>
    [JsonIgnore]
    public bool HasCredentials => Auth is not null && (Auth.ApiKey is not null || Auth.ApiKeyFile is not null || Auth.ServiceAccount is not null);
}

/// <summary>Exactly one of the three ways to authenticate.</summary>
public sealed record AuthConfiguration
{
    public string? ApiKey { get; init; }

    public string? ApiKeyFile { get; init; }

    public ServiceAccountConfiguration? ServiceAccount { get; init; }
}

public sealed record ServiceAccountConfiguration
{
    public string ClientId { get; init; } = "";

    public string PrivateKeyFile { get; init; } = "";

    public string? KeyId { get; init; }
}
