using System.Net.Http.Headers;
using System.Text;
using CodeSigning.Server.Audit;
using CodeSigning.Server.Storage;
using CodeSigning.Server.Telemetry;
using CodeSigning.V1;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CodeSigning.Server.Notifications;

/// <summary>
/// Delivers the outbox: each replica polls for due rows, leases a batch (so replicas do not send
/// the same row twice while a lease runs), POSTs each, and records the outcome. A row leaves the
/// outbox only once a receiver answered 2xx, so delivery is at least once; a replica that dies
/// mid-attempt leaves a lease that runs out and another replica retries.
/// </summary>
/// <remarks>
/// It never touches the signing path: an idle poll is a read (no write lock), and claims and
/// outcomes are short write transactions of their own outside the group commit.
/// </remarks>
public sealed class WebhookDispatcher(IStore store, AuditLog audit, WebhookDeliveryOptions options, TimeProvider clock, ILogger<WebhookDispatcher> logger)
    : BackgroundService
{
    private const int BatchSize = 16;
    private const int MaxErrorLength = 300;

    private readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    // No redirects: the receiver is the URL the Product Admin configured, nowhere else.
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await DeliverDueAsync(stoppingToken).ConfigureAwait(false) == BatchSize)
                {
                    // a full batch: more may be due
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                ServerLog.WebhookDispatchFailed(logger, e);
            }
            try
            {
                await Task.Delay(options.PollInterval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <returns>How many deliveries were attempted.</returns>
    private async Task<int> DeliverDueAsync(CancellationToken stoppingToken)
    {
        var now = clock.GetUtcNow();
        using (var read = store.BeginRead())
        {
            if (!read.HasDueWebhookDeliveries(now))
            {
                return 0;
            }
        }
        IReadOnlyList<WebhookDeliveryRecord> claimed;
        Dictionary<string, WebhookRecord> webhooks;
        using (var session = store.Begin())
        {
            // Long enough for every attempt of the batch to time out, which they do in parallel.
            claimed = session.ClaimWebhookDeliveries(_owner, now, now + options.Timeout + TimeSpan.FromSeconds(30), BatchSize);
            webhooks = session.ListWebhooks().ToDictionary(w => w.Id);
            session.Commit();
        }
        await Task.WhenAll(claimed.Select(d => AttemptAsync(d, webhooks[d.WebhookId], stoppingToken))).ConfigureAwait(false);
        return claimed.Count;
    }

    private async Task AttemptAsync(WebhookDeliveryRecord delivery, WebhookRecord webhook, CancellationToken stoppingToken)
    {
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var message = new HttpRequestMessage(HttpMethod.Post, webhook.Url)
        {
            Content = new StringContent(delivery.Payload, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        message.Headers.Add(WebhookSignature.TimestampHeader, timestamp);
        message.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Compute(webhook.Secret, timestamp, delivery.Payload));
        message.Headers.Add(WebhookSignature.EventIdHeader, delivery.EventId);
        message.Headers.Add(WebhookSignature.EventTypeHeader, delivery.EventType);
        message.Headers.Add(WebhookSignature.DeliveryIdHeader, delivery.Id);
        message.Headers.UserAgent.ParseAdd($"codesign-server/{ServerVersion.Current}");

        int status = 0;
        string error;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
        {
            timeout.CancelAfter(options.Timeout);
            try
            {
                using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                status = (int)response.StatusCode;
                error = response.IsSuccessStatusCode ? "" : $"HTTP {status} {response.ReasonPhrase}";
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return; // the lease runs out and the row is tried again
            }
            catch (OperationCanceledException)
            {
                error = $"no answer within {options.Timeout.TotalSeconds:0.###} s";
            }
            catch (HttpRequestException e)
            {
                error = e.Message;
            }
        }
        Record(delivery, webhook, status, error);
    }

    private void Record(WebhookDeliveryRecord delivery, WebhookRecord webhook, int status, string error)
    {
        var now = clock.GetUtcNow();
        var attempts = delivery.Attempts + 1;
        error = error.Length > MaxErrorLength ? error[..MaxErrorLength] : error;
        var outcome = delivery with { Attempts = attempts, LastStatus = status, LastError = error };
        outcome = error.Length == 0
            ? outcome with { State = WebhookDeliveryState.Delivered, DeliveredAt = now }
            : attempts >= options.MaxAttempts
            ? outcome with { State = WebhookDeliveryState.Failed }
            : outcome with { NextAttemptAt = now + RetryDelay(attempts) };
        if (error.Length > 0)
        {
            // The error may quote the receiver (its reason phrase): escaped like every text from outside.
            ServerLog.WebhookAttemptFailed(logger, webhook.Id, delivery.Id, attempts, DisplayText.Escape(error));
        }
        using var session = store.Begin();
        if (!session.FinishWebhookDeliveryAttempt(outcome, _owner))
        {
            return; // our lease ran out and another replica took the row over
        }
        var entry = new AuditEntry(
            outcome.State switch
            {
                WebhookDeliveryState.Delivered => AuditEventTypes.WebhookDelivered,
                WebhookDeliveryState.Failed => AuditEventTypes.WebhookFailed,
                _ => AuditEventTypes.WebhookRetrying,
            },
            error.Length == 0 ? AuditOutcome.Success : AuditOutcome.Failed, null, AuditClient.None, "")
        {
            SignerId = delivery.SignerId,
            SignerName = delivery.SignerName,
            Reason = error,
        };
        entry.Details["webhook_id"] = webhook.Id;
        entry.Details["delivery_id"] = delivery.Id;
        entry.Details["event_id"] = delivery.EventId;
        entry.Details["event_type"] = delivery.EventType;
        entry.Details["attempt"] = attempts.ToString(System.Globalization.CultureInfo.InvariantCulture);
        entry.Details["status_code"] = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        audit.Append(session, entry);
        session.Commit();
        ServerMetrics.WebhookDeliveryAttempted(delivery.EventType, outcome.State switch
        {
            WebhookDeliveryState.Delivered => "delivered",
            WebhookDeliveryState.Failed => "abandoned",
            _ => "failed",
        });
    }

    private TimeSpan RetryDelay(int attempts)
    {
        var delay = options.RetryDelay * Math.Pow(2, Math.Min(attempts - 1, 30));
        return delay < options.MaxRetryDelay ? delay : options.MaxRetryDelay;
    }
}
