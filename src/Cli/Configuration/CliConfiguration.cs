namespace CodeSigning.Cli.Configuration;

/// <summary>The contents of csign.json: where the server is and how csign proves who it is.</summary>
internal sealed record CliConfiguration
{
    public string? Server { get; init; }

    /// <summary>PEM file of the CA (or the self-signed certificate) that the server's TLS certificate chains to.</summary>
    public string? CaFile { get; init; }

    public string? ApiKey { get; init; }

    public string? ApiKeyFile { get; init; }

    public ServiceAccountCredential? ServiceAccount { get; init; }
}

internal sealed record ServiceAccountCredential
{
    public required string ClientId { get; init; }

    public required string PrivateKeyFile { get; init; }

    public string? KeyId { get; init; }
}
