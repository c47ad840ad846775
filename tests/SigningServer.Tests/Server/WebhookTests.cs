using System.Net;
using CodeSigning.Server.Domain;
using CodeSigning.V1;
using Grpc.Core;

namespace CodeSigning.Server.Tests.Server;

/// <summary>
/// Webhooks against a real receiver (<see cref="WebhookReceiver"/>): what is sent, how it is
/// signed, and what happens when the receiver is down, slow or failing, or the server restarts.
/// Each test has a Signer and a receiver of its own; the server's clock is moved by hand to make
/// retries due.
/// </summary>
public sealed class WebhookTests(WebhookTests.Fixture fixture) : IClassFixture<WebhookTests.Fixture>
{
    private const string Secret = "0123456789abcdef0123456789abcdef-test";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public sealed class Fixture : InProcessServer
    {
        public Clients Requester { get; private set; } = null!;
        public Clients Approver { get; private set; } = null!;

        protected override ServerSettings Settings => new()
        {
            WebhookMaxAttempts = 3,
            WebhookRetryDelay = TimeSpan.FromSeconds(10),
            WebhookTimeout = TimeSpan.FromSeconds(1),
            WebhookPollInterval = TimeSpan.FromMilliseconds(100),
        };

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            Requester = (await CreateUserAsync("requester")).Clients;
            // An approver who is a member of no Signer.
            Approver = (await CreateUserAsync("approver")).Clients;
        }

        /// <summary>A Signer whose policy needs <paramref name="approvals"/> approvals from "approver" or "admin", and a webhook for its events only.</summary>
        public async Task<(string Signer, Webhook Webhook)> GuardedSignerAsync(string name, WebhookReceiver receiver, int approvals = 1, params string[] eventTypes)
        {
            await CreateSignerAsync(name, KeyAlgorithm.EcP256, ("admin", Role.Administrator), ("requester", Role.Operator));
            await Admin.Approvals.SetApprovalPolicyAsync(new SetApprovalPolicyRequest
            {
                Signer = name,
                Policy = new ApprovalPolicy { ApprovalsRequired = approvals, Approvers = { UserRef("approver"), UserRef("admin") } },
            });
            var webhook = await Admin.Webhooks.CreateWebhookAsync(new CreateWebhookRequest { Url = receiver.Url, Signer = name, Secret = Secret, EventTypes = { eventTypes } });
            return (name, webhook);
        }
    }

    [Fact]
    public async Task A_request_reaches_its_approvers_signed_and_they_follow_it_without_being_members()
    {
        await using var receiver = await StartReceiverAsync();
        var (signer, webhook) = await fixture.GuardedSignerAsync("hooked", receiver, approvals: 2);
        Assert.Equal(("hooked", receiver.Url), (webhook.SignerName, webhook.Url));

        var request = await CreateRequestAsync(signer);
        var created = await ReceivedAsync(receiver, "request.created");
        Assert.True(created.SignatureValid);
        Assert.Equal(request.Id, created.Body.GetProperty("details").GetProperty("request_id").GetString());
        Assert.Equal("admin,approver", created.Body.GetProperty("details").GetProperty("approvers").GetString());
        Assert.Equal("requester", created.Body.GetProperty("actor").GetProperty("name").GetString());
        Assert.Equal(("hooked", created.EventId), (created.Body.GetProperty("signer").GetProperty("name").GetString(), created.Body.GetProperty("id").GetString()));
        // What a Slack-compatible incoming webhook shows.
        Assert.Contains($"request {request.Id}", created.Body.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("approvers: admin,approver", created.Body.GetProperty("text").GetString(), StringComparison.Ordinal);

        // The approver is no member of the Signer (answered as for one that does not exist), yet follows and decides its requests.
        await Rpc.FailsAsync(() => fixture.Approver.Signers.GetSignerAsync(new GetSignerRequest { Signer = signer }), StatusCode.NotFound, "SIGNER_NOT_FOUND");
        var listed = await fixture.Approver.Approvals.ListSigningRequestsAsync(new ListSigningRequestsRequest { Signer = signer });
        Assert.Equal(request.Id, Assert.Single(listed.Requests).Id);
        Assert.Contains(request.Id, (await fixture.Approver.Approvals.ListSigningRequestsAsync(new ListSigningRequestsRequest())).Requests.Select(r => r.Id));
        var shown = await fixture.Approver.Approvals.GetSigningRequestAsync(new GetSigningRequestRequest { RequestId = request.Id });
        Assert.Equal((0, 2), (shown.Approvals, shown.ApprovalsRequired));

        var approved = await fixture.Approver.Approvals.ApproveSigningRequestAsync(new DecideSigningRequestRequest { RequestId = request.Id });
        Assert.Equal((SigningRequestState.Pending, 1, 2), (approved.State, approved.Approvals, approved.ApprovalsRequired));
        var first = await ReceivedAsync(receiver, "request.approved");
        Assert.Equal(("1", "2", "SIGNING_REQUEST_STATE_PENDING"), Progress(first));

        approved = await fixture.Admin.Approvals.ApproveSigningRequestAsync(new DecideSigningRequestRequest { RequestId = request.Id });
        Assert.Equal((SigningRequestState.Approved, 2, 2), (approved.State, approved.Approvals, approved.ApprovalsRequired));
        await WaitAsync(() => receiver.Received.Count(d => d.EventType == "request.approved") == 2);
        Assert.Equal(("2", "2", "SIGNING_REQUEST_STATE_APPROVED"), Progress(receiver.Received.Last(d => d.EventType == "request.approved")));

        var deliveries = await DeliveriesAsync(webhook);
        Assert.Equal(3, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal((WebhookDeliveryState.Delivered, 1, 200), (d.State, d.Attempts, d.LastStatusCode)));
        var audited = await AuditAsync("webhook.delivered");
        Assert.Contains(audited, e => e.Details["event_id"] == created.EventId && e.SignerName == "hooked" && e.Outcome == AuditOutcome.Success);
    }

    [Fact]
    public async Task Every_notified_event_is_delivered()
    {
        await using var receiver = await StartReceiverAsync();
        var (signer, _) = await fixture.GuardedSignerAsync("every-event", receiver);

        // signature.denied: no grant yet.
        await Rpc.FailsAsync(() => fixture.Requester.Sign.SignAsync(SignTests.Request(signer, SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, new byte[32])),
            StatusCode.FailedPrecondition, "APPROVAL_REQUIRED");
        var denied = await CreateRequestAsync(signer);
        await fixture.Approver.Approvals.DenySigningRequestAsync(new DecideSigningRequestRequest { RequestId = denied.Id, Comment = "no" });
        var cancelled = await CreateRequestAsync(signer);
        await fixture.Requester.Approvals.CancelSigningRequestAsync(new CancelSigningRequestRequest { RequestId = cancelled.Id });
        var expired = await CreateRequestAsync(signer);
        fixture.Clock.Advance(TimeSpan.FromHours(25));
        Assert.Equal(SigningRequestState.Expired, (await fixture.Requester.Approvals.GetSigningRequestAsync(new GetSigningRequestRequest { RequestId = expired.Id })).State);
        await fixture.Admin.Approvals.CreateGrantAsync(new CreateGrantRequest
        {
            Signer = signer, Grantee = InProcessServer.UserRef("requester"), SignaturesAllowed = 1, Window = InProcessServer.Minutes(5),
        });
        await fixture.Admin.Signers.SetSignerEnabledAsync(new SetSignerEnabledRequest { Signer = signer, Enabled = false });
        await fixture.Admin.Signers.ArchiveSignerAsync(new ArchiveSignerRequest { Signer = signer });

        string[] expected = ["signature.denied", "request.created", "request.denied", "request.cancelled", "request.expired", "grant.created", "signer.disabled", "signer.archived"];
        await WaitAsync(() => expected.All(t => receiver.Received.Any(d => d.EventType == t)));
        Assert.All(receiver.Received, d => Assert.True(d.SignatureValid));
        var signature = receiver.Received.First(d => d.EventType == "signature.denied").Body;
        Assert.Equal(("APPROVAL_REQUIRED", "AUDIT_OUTCOME_DENIED"), (signature.GetProperty("reason").GetString(), signature.GetProperty("outcome").GetString()));
        Assert.Contains("denied: APPROVAL_REQUIRED", signature.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_webhook_subscribed_to_some_events_gets_only_those()
    {
        await using var receiver = await StartReceiverAsync();
        var (signer, webhook) = await fixture.GuardedSignerAsync("picky", receiver, 1, "request.cancelled");
        var request = await CreateRequestAsync(signer);
        await fixture.Requester.Approvals.CancelSigningRequestAsync(new CancelSigningRequestRequest { RequestId = request.Id });
        await ReceivedAsync(receiver, "request.cancelled");
        Assert.Equal(["request.cancelled"], receiver.Received.Select(d => d.EventType));
        Assert.Equal("request.cancelled", Assert.Single(await DeliveriesAsync(webhook)).EventType);
    }

    [Fact]
    public async Task A_receiver_that_is_down_gets_the_event_once_it_is_back()
    {
        await using var receiver = await StartReceiverAsync();
        var (signer, webhook) = await fixture.GuardedSignerAsync("receiver-down", receiver);
        await receiver.StopAsync();

        await CreateRequestAsync(signer);
        var pending = await WaitForDeliveryAsync(webhook, d => d.Attempts == 1);
        Assert.Equal((WebhookDeliveryState.Pending, 0), (pending.State, pending.LastStatusCode));
        Assert.NotEmpty(pending.LastError);
        Assert.Equal(pending.CreatedAt.ToDateTimeOffset() + TimeSpan.FromSeconds(10), pending.NextAttemptAt.ToDateTimeOffset(), TimeSpan.FromSeconds(1));

        await receiver.StartAsync();
        fixture.Clock.Advance(TimeSpan.FromSeconds(11));
        var delivered = await WaitForDeliveryAsync(webhook, d => d.State == WebhookDeliveryState.Delivered);
        Assert.Equal((2, 200, ""), (delivered.Attempts, delivered.LastStatusCode, delivered.LastError));
        Assert.Equal(pending.EventId, (await ReceivedAsync(receiver, "request.created")).EventId);
        Assert.Contains(await AuditAsync("webhook.retrying"), e => e.Details["delivery_id"] == pending.Id && e.Outcome == AuditOutcome.Failed);
    }

    [Fact]
    public async Task A_slow_receiver_times_out_and_is_tried_again()
    {
        await using var receiver = await StartReceiverAsync();
        receiver.Delay = TimeSpan.FromSeconds(5);
        var (signer, webhook) = await fixture.GuardedSignerAsync("receiver-slow", receiver);

        await CreateRequestAsync(signer);
        var pending = await WaitForDeliveryAsync(webhook, d => d.Attempts == 1);
        Assert.Equal((WebhookDeliveryState.Pending, "no answer within 1 s"), (pending.State, pending.LastError));

        receiver.Delay = TimeSpan.Zero;
        fixture.Clock.Advance(TimeSpan.FromSeconds(11));
        var delivered = await WaitForDeliveryAsync(webhook, d => d.State == WebhookDeliveryState.Delivered);
        Assert.Equal(2, delivered.Attempts);
        // At least once: the slow attempt arrived too, with the same event id to drop it by.
        Assert.Equal([pending.EventId, pending.EventId], receiver.Received.Select(d => d.EventId));
    }

    [Fact]
    public async Task A_receiver_answering_500_is_retried_with_backoff_then_the_delivery_is_failed()
    {
        // The codesign_webhook_deliveries_total counter (docs/operations.md) sees every attempt.
        var attempts = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var meter = new System.Diagnostics.Metrics.MeterListener();
        meter.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == CodeSigning.Server.Telemetry.ServerMetrics.MeterName && instrument.Name == "codesign.webhook.deliveries")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meter.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            var outcome = "";
            foreach (var tag in tags)
            {
                outcome = tag.Key == "outcome" ? (string)tag.Value! : outcome;
            }
            attempts.Enqueue(outcome);
        });
        meter.Start();
        await using var receiver = await StartReceiverAsync();
        receiver.Status = HttpStatusCode.InternalServerError;
        var (signer, webhook) = await fixture.GuardedSignerAsync("receiver-500", receiver);

        await CreateRequestAsync(signer);
        var first = await WaitForDeliveryAsync(webhook, d => d.Attempts == 1);
        Assert.Equal((500, "HTTP 500 Internal Server Error"), (first.LastStatusCode, first.LastError));
        // Not due before its backoff: 10 s after the first attempt, then 20 s after the second.
        fixture.Clock.Advance(TimeSpan.FromSeconds(5));
        await Task.Delay(500);
        Assert.Single(receiver.Received);
        fixture.Clock.Advance(TimeSpan.FromSeconds(6));
        var second = await WaitForDeliveryAsync(webhook, d => d.Attempts == 2);
        Assert.Equal(second.NextAttemptAt.ToDateTimeOffset(), fixture.Clock.GetUtcNow() + TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(1));
        fixture.Clock.Advance(TimeSpan.FromSeconds(21));
        var failed = await WaitForDeliveryAsync(webhook, d => d.State == WebhookDeliveryState.Failed);
        Assert.Equal((3, 500), (failed.Attempts, failed.LastStatusCode));

        fixture.Clock.Advance(TimeSpan.FromHours(2));
        await Task.Delay(500);
        Assert.Equal(3, receiver.Received.Count);
        Assert.Equal(["failed", "failed", "abandoned"], attempts);
        var failedStates = (await fixture.Admin.Webhooks.ListWebhookDeliveriesAsync(new ListWebhookDeliveriesRequest { States = { WebhookDeliveryState.Failed } })).Deliveries;
        Assert.Contains(failedStates, d => d.Id == failed.Id);
        Assert.Contains(await AuditAsync("webhook.failed"), e => e.Details["delivery_id"] == failed.Id && e.Reason == "HTTP 500 Internal Server Error");
    }

    [Fact]
    public async Task Pending_deliveries_survive_a_restart()
    {
        await using var receiver = await StartReceiverAsync();
        var (signer, webhook) = await fixture.GuardedSignerAsync("restarted", receiver);
        await receiver.StopAsync();
        var request = await CreateRequestAsync(signer);
        await WaitForDeliveryAsync(webhook, d => d.Attempts == 1);

        await fixture.RestartAsync();
        await receiver.StartAsync();
        fixture.Clock.Advance(TimeSpan.FromSeconds(11));
        var delivered = await WaitForDeliveryAsync(webhook, d => d.State == WebhookDeliveryState.Delivered);
        Assert.Equal(2, delivered.Attempts);
        Assert.Equal(request.Id, (await ReceivedAsync(receiver, "request.created")).Body.GetProperty("details").GetProperty("request_id").GetString());
    }

    [Theory]
    [InlineData("ftp://127.0.0.1/hook", Secret, "url")]
    [InlineData("file:///etc/passwd", Secret, "url")]
    [InlineData("not a url", Secret, "url")]
    [InlineData("http://127.0.0.1:9/hook", "0123456789abcdef0123456789abcde", "secret")]
    [InlineData("http://127.0.0.1:9/hook", "", "secret")]
    public async Task Bad_url_or_short_secret_is_refused_audited_and_nothing_created(string url, string secret, string field)
    {
        var before = (await fixture.Admin.Webhooks.ListWebhooksAsync(new ListWebhooksRequest())).Webhooks.Count;
        var info = await Rpc.FailsAsync(() => fixture.Admin.Webhooks.CreateWebhookAsync(new CreateWebhookRequest { Url = url, Secret = secret }),
            StatusCode.InvalidArgument, "INVALID_ARGUMENT");
        Assert.Equal(field, info.Metadata["field"]);
        Assert.Equal(before, (await fixture.Admin.Webhooks.ListWebhooksAsync(new ListWebhooksRequest())).Webhooks.Count);
        var refused = (await AuditAsync("webhook.created")).Last();
        Assert.Equal((AuditOutcome.Denied, "INVALID_ARGUMENT"), (refused.Outcome, refused.Reason));
        Assert.DoesNotContain(refused.Details.Values, v => secret.Length > 0 && v.Contains(secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Only_a_Product_Admin_configures_webhooks_and_the_secret_is_never_shown()
    {
        await Rpc.FailsAsync(() => fixture.Requester.Webhooks.CreateWebhookAsync(new CreateWebhookRequest { Url = "http://127.0.0.1:9/x", Secret = Secret }),
            StatusCode.PermissionDenied, "PRODUCT_ADMIN_REQUIRED");
        await Rpc.FailsAsync(() => fixture.Requester.Webhooks.ListWebhookDeliveriesAsync(new ListWebhookDeliveriesRequest()),
            StatusCode.PermissionDenied, "PRODUCT_ADMIN_REQUIRED");
        await Rpc.FailsAsync(() => fixture.Admin.Webhooks.CreateWebhookAsync(new CreateWebhookRequest { Url = "http://127.0.0.1:9/x", Secret = Secret, EventTypes = { "signature.created" } }),
            StatusCode.InvalidArgument, "INVALID_ARGUMENT");

        var webhook = await fixture.Admin.Webhooks.CreateWebhookAsync(new CreateWebhookRequest { Url = "https://chat.example/hooks/T0/B0/token", Secret = Secret });
        Assert.DoesNotContain(Secret, (await fixture.Admin.Webhooks.ListWebhooksAsync(new ListWebhooksRequest())).ToString(), StringComparison.Ordinal);
        var audited = (await AuditAsync("webhook.created")).Last();
        Assert.Equal(("https://chat.example", webhook.Id), (audited.Details["url_origin"], audited.Details["webhook_id"]));

        await fixture.Admin.Webhooks.DeleteWebhookAsync(new DeleteWebhookRequest { WebhookId = webhook.Id });
        Assert.DoesNotContain((await fixture.Admin.Webhooks.ListWebhooksAsync(new ListWebhooksRequest())).Webhooks, w => w.Id == webhook.Id);
        await Rpc.FailsAsync(() => fixture.Admin.Webhooks.DeleteWebhookAsync(new DeleteWebhookRequest { WebhookId = webhook.Id }), StatusCode.NotFound, "NOT_FOUND");
        Assert.Equal(AuditOutcome.Success, (await AuditAsync("webhook.deleted")).First().Outcome);
    }

    private static async Task<WebhookReceiver> StartReceiverAsync()
    {
        var receiver = new WebhookReceiver(Secret);
        await receiver.StartAsync();
        return receiver;
    }

    private Task<SigningRequest> CreateRequestAsync(string signer) =>
        fixture.Requester.Approvals.CreateSigningRequestAsync(new CreateSigningRequestRequest
        {
            Signer = signer, Justification = "release", SignatureCount = 1, Window = InProcessServer.Minutes(30),
        }).ResponseAsync;

    private static (string?, string?, string?) Progress(WebhookReceiver.Delivery delivery)
    {
        var details = delivery.Body.GetProperty("details");
        return (details.GetProperty("approvals").GetString(), details.GetProperty("approvals_required").GetString(), details.GetProperty("state").GetString());
    }

    private static async Task<WebhookReceiver.Delivery> ReceivedAsync(WebhookReceiver receiver, string type)
    {
        await WaitAsync(() => receiver.Received.Any(d => d.EventType == type));
        return receiver.Received.First(d => d.EventType == type);
    }

    private async Task<List<WebhookDelivery>> DeliveriesAsync(Webhook webhook) =>
        (await fixture.Admin.Webhooks.ListWebhookDeliveriesAsync(new ListWebhookDeliveriesRequest { WebhookId = webhook.Id })).Deliveries.ToList();

    private async Task<WebhookDelivery> WaitForDeliveryAsync(Webhook webhook, Func<WebhookDelivery, bool> condition)
    {
        WebhookDelivery? found = null;
        await WaitAsync(async () => (found = (await DeliveriesAsync(webhook)).FirstOrDefault(condition)) is not null);
        return found!;
    }

    private async Task<List<AuditEvent>> AuditAsync(string type) =>
        (await fixture.Admin.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest { Filter = new AuditFilter { Types_ = { type } }, PageSize = 1000 })).Events.ToList();

    private static Task WaitAsync(Func<bool> condition) => WaitAsync(() => Task.FromResult(condition()));

    private static async Task WaitAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not come true in time");
            await Task.Delay(50);
        }
    }
}
