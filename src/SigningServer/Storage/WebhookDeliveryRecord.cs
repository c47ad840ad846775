using CodeSigning.V1;

namespace CodeSigning.Server.Storage;

/// <summary>One outbox row: an event's JSON for one webhook, and where its delivery stands.</summary>
/// <param name="EventId">The audit event reported.</param>
/// <param name="LastStatus">The receiver's HTTP status of the last attempt; 0 when it did not answer.</param>
public sealed record WebhookDeliveryRecord(
    string Id, string WebhookId, string EventId, string EventType, string SignerId, string SignerName, string Payload,
    WebhookDeliveryState State, int Attempts, DateTimeOffset NextAttemptAt, int LastStatus, string LastError,
    DateTimeOffset CreatedAt, DateTimeOffset? DeliveredAt);
