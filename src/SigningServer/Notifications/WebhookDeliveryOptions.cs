namespace CodeSigning.Server.Notifications;

/// <summary>How the dispatcher delivers and retries; Hosting fills it from the server settings.</summary>
/// <param name="RetryDelay">The wait after the first failed attempt; it doubles after each one, up to <paramref name="MaxRetryDelay"/>.</param>
/// <param name="Timeout">How long a receiver has to answer one attempt.</param>
/// <param name="PollInterval">How often each replica looks for due deliveries.</param>
public sealed record WebhookDeliveryOptions(int MaxAttempts, TimeSpan RetryDelay, TimeSpan MaxRetryDelay, TimeSpan Timeout, TimeSpan PollInterval);
