namespace CodeSigning.Server.Domain;

/// <summary>Server-wide knobs, with the defaults the docs state.</summary>
public sealed record ServerSettings
{
    public TimeSpan DefaultCertificateValidity { get; init; } = TimeSpan.FromDays(365);
    public TimeSpan MaxCertificateValidity { get; init; } = TimeSpan.FromDays(3650);
    public int AuthFailuresPerMinute { get; init; } = 10;
    public TimeSpan AccessTokenLifetime { get; init; } = TimeSpan.FromMinutes(15);
    public TimeSpan ApiKeyDefaultTtl { get; init; } = TimeSpan.FromDays(90);
    public TimeSpan ApiKeyMaxTtl { get; init; } = TimeSpan.FromDays(365);
    public TimeSpan DefaultRequestTtl { get; init; } = TimeSpan.FromHours(24);
    public TimeSpan AuditCheckpointInterval { get; init; } = TimeSpan.FromMinutes(5);
    public int WebhookMaxAttempts { get; init; } = 10;
    /// <summary>The wait after the first failed attempt; it doubles after each one, up to <see cref="WebhookMaxRetryDelay"/>.</summary>
    public TimeSpan WebhookRetryDelay { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan WebhookMaxRetryDelay { get; init; } = TimeSpan.FromHours(1);
    /// <summary>How long a receiver has to answer one attempt.</summary>
    public TimeSpan WebhookTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>How often each replica looks for due deliveries.</summary>
    public TimeSpan WebhookPollInterval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>A web console session ends after this long without a request (<c>--console-idle-timeout</c>).</summary>
    public TimeSpan ConsoleIdleTimeout { get; init; } = TimeSpan.FromMinutes(15);
}
