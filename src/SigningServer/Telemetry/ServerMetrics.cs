using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CodeSigning.Server.Telemetry;

/// <summary>
/// Every instrument the server exports (Prometheus at <c>/metrics</c>, see docs/operations.md).
/// Static, like a logger category: the meter lives as long as the process, and the code that
/// counts needs no extra constructor argument. Labels take only bounded values (Signer names,
/// enum names), never caller input.
/// </summary>
public static class ServerMetrics
{
    public const string MeterName = "CodeSigning.Server";

    private static readonly Meter Meter = new(MeterName, ServerVersion.Current);

    private static readonly Counter<long> Signatures = Meter.CreateCounter<long>(
        "codesign.signatures", description: "Sign calls by Signer and outcome (signed, denied, failed).");

    private static readonly Histogram<double> SignDuration = Meter.CreateHistogram(
        "codesign.sign.duration", unit: "s", description: "Time from a Sign call's arrival to its durable outcome.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    private static readonly Counter<long> Denials = Meter.CreateCounter<long>(
        "codesign.denials", description: "Calls refused by policy, by ErrorReason and RPC method.");

    private static readonly Histogram<long> GroupCommitSize = Meter.CreateHistogram(
        "codesign.group_commit.batch_size", unit: "{unit}", description: "Units of work committed together in one write transaction.",
        advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128] });

    private static readonly Counter<long> WebhookDeliveries = Meter.CreateCounter<long>(
        "codesign.webhook.deliveries", description: "Webhook delivery attempts by event type and outcome.");

    /// <param name="signer">The Signer's name; empty when the call named no Signer that exists.</param>
    /// <param name="outcome"><c>signed</c>, <c>denied</c> or <c>failed</c>.</param>
    public static void SignCompleted(string signer, string outcome, TimeSpan elapsed)
    {
        var tags = new TagList { { "signer", signer }, { "outcome", outcome } };
        Signatures.Add(1, tags);
        SignDuration.Record(elapsed.TotalSeconds, tags);
    }

    /// <param name="reason">The ErrorReason name (e.g. <c>NOT_A_MEMBER</c>).</param>
    /// <param name="method">The gRPC method, e.g. <c>/codesigning.v1.SignService/Sign</c>.</param>
    public static void Denied(string reason, string method) => Denials.Add(1, new TagList { { "reason", reason }, { "method", method } });

    public static void GroupCommitted(int units) => GroupCommitSize.Record(units);

    /// <summary>For the webhook sender: one delivery attempt.</summary>
    /// <param name="eventType">The event delivered, e.g. <c>request.created</c>.</param>
    /// <param name="outcome"><c>delivered</c>, <c>failed</c> (will be retried) or <c>abandoned</c> (no more retries).</param>
    public static void WebhookDeliveryAttempted(string eventType, string outcome) =>
        WebhookDeliveries.Add(1, new TagList { { "event", eventType }, { "outcome", outcome } });
}
