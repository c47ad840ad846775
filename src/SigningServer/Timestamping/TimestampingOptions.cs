namespace CodeSigning.Server.Timestamping;

/// <summary>How the timestamp authority serves (<c>--tsa*</c> options of <c>codesign-server</c>), with the defaults docs/tsa.md states.</summary>
/// <param name="PolicyOid">The TSA policy every token names, and the only one a request may ask for.</param>
/// <param name="RequestsPerMinute">Per remote address for anonymous callers; 0: no limit.</param>
/// <param name="AuditInterval">How often the <c>timestamp.issued</c> summary is written, and the window of the rejection quota.</param>
public sealed record TimestampingOptions(
    TimestampAccess Access = TimestampAccess.Anonymous,
    string PolicyOid = TimestampingOptions.DefaultPolicyOid,
    int RequestsPerMinute = TimestampingOptions.DefaultRequestsPerMinute,
    TimeSpan? AuditInterval = null)
{
    /// <summary>
    /// Under the UUID arc 2.25 (ITU-T X.667), which anyone may use without registration: this UUID
    /// was drawn once for CodeSigning's default policy (e863f4f8-f522-4d87-88d2-cacb341cf478).
    /// </summary>
    public const string DefaultPolicyOid = "2.25.308899901043488322000532159101197415544";

    public const int DefaultRequestsPerMinute = 1200;

    /// <summary>A real request is a few hundred bytes; anything larger is refused unread.</summary>
    public const int MaxRequestBytes = 8192;

    /// <summary>At most this many rejections per audit interval get an audit event each; the rest are counted in the summary.</summary>
    public const int RejectionsAuditedPerInterval = 20;

    /// <summary>The accuracy every token states: the server's clock is expected to be kept by NTP well within it.</summary>
    public const long AccuracyMicroseconds = 1_000_000;

    public static readonly TimeSpan DefaultAuditInterval = TimeSpan.FromMinutes(1);

    public TimeSpan EffectiveAuditInterval => AuditInterval ?? DefaultAuditInterval;
}
