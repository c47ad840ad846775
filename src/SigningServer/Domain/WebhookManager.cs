using System.Text;
using CodeSigning.Server.Audit;
using CodeSigning.Server.Notifications;
using CodeSigning.Server.Storage;
using CodeSigning.V1;

namespace CodeSigning.Server.Domain;

/// <summary>Webhooks, configured by Product Admins, and the state of their deliveries.</summary>
public sealed class WebhookManager(Operations operations, TimeProvider clock)
{
    /// <summary>HMAC-SHA256's own block-sized key strength: anything shorter is guessable sooner.</summary>
    public const int MinSecretBytes = 32;
    public const int MaxDeliveriesListed = 1000;

    public (WebhookRecord Webhook, string SignerName) Create(Caller caller, CreateWebhookRequest request) => operations.Change(caller, AuditEventTypes.WebhookCreated, (session, scope) =>
    {
        caller.RequireProductAdmin("configure webhooks");
        // The URL's path and query may carry a token (chat incoming webhooks do): only the origin is audited.
        if (!Uri.TryCreate(request.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || url.Host.Length == 0)
        {
            throw ServiceException.InvalidArgument("url", "url must be an absolute http:// or https:// URL");
        }
        scope.Details["url_origin"] = url.GetLeftPart(UriPartial.Authority);
        var unknown = request.EventTypes.FirstOrDefault(t => !WebhookOutbox.Events.ContainsKey(t));
        if (unknown is not null)
        {
            throw ServiceException.InvalidArgument("event_types", $"unknown event type '{unknown}'; one of: {string.Join(", ", WebhookOutbox.Events.Keys)}");
        }
        if (Encoding.UTF8.GetByteCount(request.Secret) < MinSecretBytes)
        {
            throw ServiceException.InvalidArgument("secret", $"secret must be at least {MinSecretBytes} bytes (for example: openssl rand -hex 32)");
        }
        var signer = request.Signer.Length > 0 ? SignerAccess.Find(session, request.Signer) : null;
        scope.Signer = signer;
        var webhook = new WebhookRecord(Guid.CreateVersion7().ToString("N"), url.AbsoluteUri, request.EventTypes.Distinct().ToList(), signer?.Id,
            Encoding.UTF8.GetBytes(request.Secret), clock.GetUtcNow(), caller.Principal);
        session.InsertWebhook(webhook);
        scope.Details["webhook_id"] = webhook.Id;
        scope.Details["event_types"] = webhook.EventTypes.Count == 0 ? "*" : string.Join(",", webhook.EventTypes);
        return (webhook, signer?.Name ?? "");
    });

    public IReadOnlyList<(WebhookRecord Webhook, string SignerName)> List(Caller caller) => operations.Read(caller, AuditEventTypes.WebhookList, (session, _) =>
    {
        caller.RequireProductAdmin("list webhooks");
        return session.ListWebhooks().Select(w => (w, w.SignerId is null ? "" : session.FindSigner(w.SignerId)?.Name ?? "")).ToList();
    });

    public void Delete(Caller caller, string webhookId) => operations.Change(caller, AuditEventTypes.WebhookDeleted, (session, scope) =>
    {
        caller.RequireProductAdmin("delete webhooks");
        scope.Details["webhook_id"] = webhookId;
        return session.DeleteWebhook(webhookId) ? true : throw ServiceException.NotFound($"webhook '{webhookId}'");
    });

    public IReadOnlyList<WebhookDeliveryRecord> ListDeliveries(Caller caller, string webhookId, IReadOnlyCollection<WebhookDeliveryState> states, int limit) =>
        operations.Read(caller, AuditEventTypes.WebhookDeliveriesRead, (session, _) =>
        {
            caller.RequireProductAdmin("read webhook deliveries");
            if (webhookId.Length > 0 && session.FindWebhook(webhookId) is null)
            {
                throw ServiceException.NotFound($"webhook '{webhookId}'");
            }
            return session.ListWebhookDeliveries(webhookId.Length > 0 ? webhookId : null, states, limit <= 0 ? 100 : Math.Min(limit, MaxDeliveriesListed));
        });
}
