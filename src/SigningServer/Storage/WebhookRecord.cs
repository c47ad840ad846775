namespace CodeSigning.Server.Storage;

/// <param name="EventTypes">Empty: every notified event.</param>
/// <param name="SignerId">Null: events of every Signer.</param>
/// <param name="Secret">The HMAC-SHA256 key; never leaves the server.</param>
public sealed record WebhookRecord(
    string Id, string Url, IReadOnlyList<string> EventTypes, string? SignerId, byte[] Secret, DateTimeOffset CreatedAt, Principal CreatedBy)
{
    public bool Wants(string eventType, string signerId) =>
        (EventTypes.Count == 0 || EventTypes.Contains(eventType)) && (SignerId is null || SignerId == signerId);
}
