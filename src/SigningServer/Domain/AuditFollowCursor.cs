using CodeSigning.Server.Storage;

namespace CodeSigning.Server.Domain;

/// <summary>
/// Where a follower of the audit log stands. On SQLite events commit in sequence order. On
/// PostgreSQL appends to different chains commit side by side, so a number can commit just after
/// higher ones did, and a rolled-back append leaves a number that never shows up: the follower
/// reads only up to the first missing number, and passes it once it has been missing for
/// <see cref="GapWait"/>, far longer than an append takes.
/// </summary>
public sealed class AuditFollowCursor(long after)
{
    public static readonly TimeSpan GapWait = TimeSpan.FromSeconds(10);

    private long _gap;
    private DateTimeOffset _gapSeen;

    /// <summary>Every event numbered up to here was read (or filtered out).</summary>
    public long After { get; private set; } = after;

    /// <summary>The highest number the follower may read up to now.</summary>
    public long Horizon(IStoreSession session, DateTimeOffset now)
    {
        var (contiguous, nextPresent) = session.AuditSequenceGap(After);
        if (nextPresent is not { } next)
        {
            return contiguous;
        }
        if (_gap != contiguous + 1)
        {
            (_gap, _gapSeen) = (contiguous + 1, now);
            return contiguous;
        }
        return now - _gapSeen < GapWait ? contiguous : next - 1;
    }

    public void Advance(long readUpTo) => After = Math.Max(After, readUpTo);
}
