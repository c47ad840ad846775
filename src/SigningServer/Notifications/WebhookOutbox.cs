using System.Text;
using System.Text.Json;
using CodeSigning.Server.Audit;
using CodeSigning.Server.Storage;
using CodeSigning.V1;

namespace CodeSigning.Server.Notifications;

/// <summary>
/// Turns notified audit events into outbox rows. Every notified event is an audit event, so the
/// row is written where the event is, in the same transaction (a group commit's, for a denied
/// signature): it commits or rolls back with the change it reports, and a restart loses nothing.
/// The audit log calls it as an observer, registered by Hosting.
/// </summary>
public sealed class WebhookOutbox : IAuditObserver
{
    /// <summary>The events a webhook can subscribe to, with the outcome that is notified.</summary>
    public static readonly IReadOnlyDictionary<string, AuditOutcome> Events = new Dictionary<string, AuditOutcome>(StringComparer.Ordinal)
    {
        [AuditEventTypes.RequestCreated.Name] = AuditOutcome.Success,
        [AuditEventTypes.RequestApproved.Name] = AuditOutcome.Success,
        [AuditEventTypes.RequestDenied.Name] = AuditOutcome.Success,
        [AuditEventTypes.RequestExpired.Name] = AuditOutcome.Success,
        [AuditEventTypes.RequestCancelled.Name] = AuditOutcome.Success,
        [AuditEventTypes.SignatureDenied.Name] = AuditOutcome.Denied,
        [AuditEventTypes.SignerDisabled.Name] = AuditOutcome.Success,
        [AuditEventTypes.SignerArchived.Name] = AuditOutcome.Success,
        [AuditEventTypes.GrantCreated.Name] = AuditOutcome.Success,
    };

    /// <summary>Queues one delivery per interested webhook. A dictionary lookup and nothing more for any other event (every signature).</summary>
    public void Appended(IStoreSession session, AuditRecord record)
    {
        if (!Events.TryGetValue(record.Type, out var outcome) || record.Outcome != outcome)
        {
            return;
        }
        string? payload = null;
        foreach (var webhook in session.ListWebhooks().Where(w => w.Wants(record.Type, record.SignerId)))
        {
            payload ??= Payload(record);
            session.InsertWebhookDelivery(new WebhookDeliveryRecord(Guid.CreateVersion7().ToString("N"), webhook.Id, record.Id, record.Type,
                record.SignerId, record.SignerName, payload, WebhookDeliveryState.Pending, 0, record.Time, 0, "", record.Time, null));
        }
    }

    /// <summary>The JSON body: the audit event's facts, plus a top-level <c>text</c> that Slack-compatible incoming webhooks show.</summary>
    public static string Payload(AuditRecord record)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("text", Text(record));
            json.WriteString("id", record.Id);
            json.WriteString("type", record.Type);
            json.WriteString("time", record.Time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("outcome", ProtoNames.Of(record.Outcome));
            json.WriteString("reason", record.Reason);
            json.WriteStartObject("signer");
            json.WriteString("id", record.SignerId);
            json.WriteString("name", record.SignerName);
            json.WriteEndObject();
            if (record.Actor is { } actor)
            {
                json.WriteStartObject("actor");
                json.WriteString("kind", ProtoNames.Of(actor.Kind));
                json.WriteString("id", actor.Id);
                json.WriteString("name", actor.Name);
                json.WriteEndObject();
            }
            else
            {
                json.WriteNull("actor");
            }
            json.WriteStartObject("details");
            foreach (var (key, value) in record.Details)
            {
                json.WriteString(key, value);
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Text(AuditRecord record)
    {
        var d = record.Details;
        var signer = $"Signer '{Slack(record.SignerName)}'";
        var actor = record.Actor is null ? "the server" : Slack(record.Actor.Name);
        var request = d.GetValueOrDefault("request_id", "");
        var type = record.Type;
        return type switch
        {
            _ when type == AuditEventTypes.RequestCreated.Name => $"{actor} asks to sign {d.GetValueOrDefault("signature_count", "?")} time(s) with {signer} (request {request}); approvers: {Slack(d.GetValueOrDefault("approvers", ""))}",
            _ when type == AuditEventTypes.RequestApproved.Name => $"{actor} approved request {request} for {signer}: {d.GetValueOrDefault("approvals", "?")} of {d.GetValueOrDefault("approvals_required", "?")} approvals, now {Slack(d.GetValueOrDefault("state", ""))}",
            _ when type == AuditEventTypes.RequestDenied.Name => $"{actor} denied request {request} for {signer}",
            _ when type == AuditEventTypes.RequestExpired.Name => $"Request {request} for {signer} expired undecided",
            _ when type == AuditEventTypes.RequestCancelled.Name => $"{actor} cancelled request {request} for {signer}",
            _ when type == AuditEventTypes.SignatureDenied.Name => $"A signature by {actor} with {signer} was denied: {Slack(record.Reason)}",
            _ when type == AuditEventTypes.SignerDisabled.Name => $"{actor} disabled {signer}",
            _ when type == AuditEventTypes.SignerArchived.Name => $"{actor} archived {signer}",
            _ when type == AuditEventTypes.GrantCreated.Name => $"{actor} pre-approved {d.GetValueOrDefault("signatures_allowed", "?")} signature(s) with {signer} for {Slack(d.GetValueOrDefault("grantee", ""))}",
            _ => $"{record.Type} on {signer} by {actor}",
        };
    }

    // Slack reads &, < and > as markup; names and reasons are shown as they are.
    private static string Slack(string value) => value.Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
