namespace CodeSigning.Pkcs11.Configuration;

/// <summary>The module configuration file (JSON, snake_case), as `csign pkcs11 setup` writes it.</summary>
public sealed record ModuleConfiguration
{
    public IReadOnlyList<string> Servers { get; set; } = [];

    public string? TlsCaFile { get; set; }

    public AuthConfiguration? Auth { get; set; }

    /// <summary>Optional allow-list of Signer names or ids; without credentials, the Signers to offer as tokens.</summary>
    public IReadOnlyList<string>? Signers { get; set; }

    public int ConnectTimeoutMs { get; set; } = 3000;

    public int CallTimeoutMs { get; set; } = 10000;

    public int Retries { get; set; } = 2;

    public int ApprovalWaitSeconds { get; set; }

    public int CacheTtlSeconds { get; set; } = 60;

    public string? LogLevel { get; set; }

    public string? LogFile { get; set; }
}

/// <summary>Exactly one of the three ways to authenticate.</summary>
public sealed record AuthConfiguration
{
    public string? ApiKey { get; set; }

    public string? ApiKeyFile { get; set; }

    public ServiceAccountConfiguration? ServiceAccount { get; set; }
}

public sealed record ServiceAccountConfiguration
{
    public string ClientId { get; set; } = "";

    public string PrivateKeyFile { get; set; } = "";

    public string? KeyId { get; set; }
}
