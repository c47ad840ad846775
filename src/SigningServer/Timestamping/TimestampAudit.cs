using System.Diagnostics.Metrics;
using System.Globalization;
using CodeSigning.Server.Audit;
using CodeSigning.Server.Storage;
using CodeSigning.Server.Domain;
using CodeSigning.V1;
using Microsoft.Extensions.Logging;

namespace CodeSigning.Server.Timestamping;

/// <summary>
/// Counts what the timestamp authority does and samples it into the audit log so that anonymous
/// callers cannot flood it: one <c>timestamp.issued</c> summary per interval (count, first and last
/// serial, rejections, rate-limited requests), and a <c>timestamp.rejected</c> event for each of the
/// first <see cref="TimestampingOptions.RejectionsAuditedPerInterval"/> rejections of an interval.
/// The same counts go to the <c>CodeSigning.Server.Timestamping</c> meter.
/// </summary>
public sealed class TimestampAudit : IDisposable
{
    public const string MeterName = "CodeSigning.Server.Timestamping";

    private readonly Operations _operations;
    private readonly TimeProvider _clock;
    private readonly ILogger<TimestampAudit> _logger;
    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _issuedCounter;
    private readonly Counter<long> _rejectedCounter;
    private readonly Counter<long> _rateLimitedCounter;
    private readonly ITimer _timer;
    private readonly Lock _gate = new();
    private Window _window;

    public TimestampAudit(TimestampingOptions options, Operations operations, TimeProvider clock, ILogger<TimestampAudit> logger)
    {
        _operations = operations;
        _clock = clock;
        _logger = logger;
        _issuedCounter = _meter.CreateCounter<long>("codesign.tsa.issued", description: "Timestamps issued");
        _rejectedCounter = _meter.CreateCounter<long>("codesign.tsa.rejected", description: "Timestamp requests rejected with a PKIStatus, by failInfo");
        _rateLimitedCounter = _meter.CreateCounter<long>("codesign.tsa.rate_limited", description: "Anonymous timestamp requests refused by the per-address rate limit");
        _window = new Window(clock.GetUtcNow());
        var interval = options.EffectiveAuditInterval;
        _timer = clock.CreateTimer(_ => Flush(), null, interval, interval);
    }

    public void Issued(long serial)
    {
        _issuedCounter.Add(1);
        lock (_gate)
        {
            _window.Issued++;
            _window.FirstSerial ??= serial;
            _window.LastSerial = serial;
        }
    }

    public void Rejected(TimestampFailure failure, string reason, string remoteAddress)
    {
        _rejectedCounter.Add(1, new KeyValuePair<string, object?>("fail_info", Name(failure)));
        bool record;
        lock (_gate)
        {
            _window.Rejected++;
            record = _window.Rejected <= TimestampingOptions.RejectionsAuditedPerInterval;
        }
        ServerLog.TimestampRejected(_logger, remoteAddress, Name(failure), reason);
        if (record)
        {
            var outcome = failure == TimestampFailure.SystemFailure ? AuditOutcome.Failed : AuditOutcome.Denied;
            TryRecord(new AuditEntry(AuditEventTypes.TimestampRejected, outcome, null, AuditClient.None, remoteAddress)
            {
                Reason = Name(failure),
                Details = { ["message"] = reason },
            });
        }
    }

    public void RateLimited()
    {
        _rateLimitedCounter.Add(1);
        lock (_gate)
        {
            _window.RateLimited++;
        }
    }

    /// <summary>Writes the summary of the interval that ends now, if anything happened in it.</summary>
    public void Flush()
    {
        Window ended;
        lock (_gate)
        {
            ended = _window;
            _window = new Window(_clock.GetUtcNow());
        }
        if (ended.Issued == 0 && ended.Rejected == 0 && ended.RateLimited == 0)
        {
            return;
        }
        var entry = new AuditEntry(AuditEventTypes.TimestampIssued, AuditOutcome.Success, null, AuditClient.None, "")
        {
            Details =
            {
                ["count"] = Text(ended.Issued),
                ["first_serial"] = ended.FirstSerial is { } first ? Text(first) : "",
                ["last_serial"] = ended.LastSerial is { } last ? Text(last) : "",
                ["rejected"] = Text(ended.Rejected),
                ["rejected_not_recorded"] = Text(Math.Max(0, ended.Rejected - TimestampingOptions.RejectionsAuditedPerInterval)),
                ["rate_limited"] = Text(ended.RateLimited),
                ["since"] = ended.Start.ToString("O", CultureInfo.InvariantCulture),
            },
        };
        TryRecord(entry);
    }

    public void Dispose()
    {
        _timer.Dispose();
        Flush();
        _meter.Dispose();
    }

    /// <summary>The failInfo as RFC 3161 names it.</summary>
    public static string Name(TimestampFailure failure) => failure switch
    {
        TimestampFailure.BadAlg => "badAlg",
        TimestampFailure.BadRequest => "badRequest",
        TimestampFailure.BadDataFormat => "badDataFormat",
        TimestampFailure.UnacceptedPolicy => "unacceptedPolicy",
        TimestampFailure.UnacceptedExtension => "unacceptedExtension",
        TimestampFailure.SystemFailure => "systemFailure",
        _ => failure.ToString(),
    };

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    // A store that cannot take the event must not fail the timestamp or kill the timer thread.
    private void TryRecord(AuditEntry entry)
    {
        try
        {
            _operations.Record(entry);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            ServerLog.TimestampAuditFailed(_logger, entry.Type.Name, e);
        }
    }

    private sealed class Window(DateTimeOffset start)
    {
        public DateTimeOffset Start { get; } = start;
        public long Issued { get; set; }
        public long? FirstSerial { get; set; }
        public long? LastSerial { get; set; }
        public long Rejected { get; set; }
        public long RateLimited { get; set; }
    }
}
