using System.Globalization;
using System.Text;
using CodeSigning.Server.Storage;
using CodeSigning.V1;

namespace CodeSigning.Server.Audit;

/// <summary>
/// The checkpoint file <c>DIR/audit-checkpoints.jsonl</c>: one signed <see cref="SignedCheckpoint"/> of
/// the log's newest event and all chain heads per line, appended (never rewritten) periodically, at shutdown and on request;
/// and the check of the chain against the latest one and any the operator kept elsewhere.
/// </summary>
public sealed class AuditCheckpoints(AuditCheckpointKey key, string dataDir, TimeProvider clock)
{
    public const string FileName = "audit-checkpoints.jsonl";
    private const int TailBytes = 64 * 1024;

    private readonly Lock _lock = new();

    public string FilePath => Path.Combine(dataDir, FileName);

    /// <summary>Signs the log's newest event and chain heads and appends them, unless the latest checkpoint is of that event already.</summary>
    /// <param name="session">
    /// A <see cref="IStore.Begin"/> transaction: no append is under way meanwhile, so no event numbered
    /// below the newest can still commit and change the heads this signs.
    /// </param>
    /// <returns>The checkpoint of the head; null for an empty log.</returns>
    /// <exception cref="InvalidOperationException">The chain contradicts the latest checkpoint (events deleted, database replaced): no checkpoint may paper over that.</exception>
    public SignedCheckpoint? Write(IStoreSession session)
    {
        lock (_lock)
        {
            var head = session.LastAuditEvent();
            if (head is null)
            {
                return null;
            }
            var (latest, problem) = Latest();
            problem ??= latest is null ? null : Contradiction(session, latest);
            if (problem is not null)
            {
                throw new InvalidOperationException(problem);
            }
            if (latest?.Sequence == head.Sequence)
            {
                return latest;
            }
            var checkpoint = key.Sign(head.Sequence, head.Hash, Heads(session, head.Sequence), clock.GetUtcNow());
            var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            using var file = new FileStream(FilePath, options);
            file.Write(Encoding.UTF8.GetBytes(checkpoint.ToJsonLine() + "\n"));
            file.Flush(flushToDisk: true);
            return checkpoint;
        }
    }

    /// <summary>
    /// After the chain itself verified: does it hold the event every checkpoint names, with its hash?
    /// The latest checkpoint of the file is always checked; <paramref name="supplied"/> are the operator's own.
    /// </summary>
    public VerifyAuditChainResponse Check(IStoreSession session, IReadOnlyList<SignedCheckpoint> supplied, VerifyAuditChainResponse chain)
    {
        var (latest, problem) = Latest();
        if (problem is not null)
        {
            return Broken(chain, 0, problem);
        }
        var anchors = supplied.Concat(latest is null ? [] : [latest]).OrderBy(c => c.Sequence).ToList();
        foreach (var anchor in anchors)
        {
            if (!key.Signed(anchor))
            {
                return Broken(chain, 0, $"{anchor.Describe()} is not signed by this server's checkpoint key ({key.Id}): the key was replaced, or the checkpoint is another server's");
            }
            if (Contradiction(session, anchor) is { } contradiction)
            {
                return Broken(chain, Math.Min(anchor.Sequence, chain.EventsChecked + 1), contradiction);
            }
        }
        if (anchors.Count > 0)
        {
            chain.CheckpointSequence = anchors[^1].Sequence;
            chain.Message += $"; consistent with {anchors.Count.ToString(CultureInfo.InvariantCulture)} checkpoint(s), the latest at event {anchors[^1].Sequence.ToString(CultureInfo.InvariantCulture)}";
        }
        return chain;
    }

    /// <summary>The file's last checkpoint, or why it cannot be trusted.</summary>
    private (SignedCheckpoint? Checkpoint, string? Problem) Latest()
    {
        if (!File.Exists(FilePath))
        {
            return (null, null);
        }
        using var file = new FileStream(FilePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var start = Math.Max(0, file.Length - TailBytes);
        file.Seek(start, SeekOrigin.Begin);
        using var reader = new StreamReader(file, Encoding.UTF8);
        var lines = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length == 0 || (start > 0 && lines.Length == 1))
        {
            return (null, $"{FilePath} holds no complete checkpoint line");
        }
        try
        {
            var checkpoint = SignedCheckpoint.Parse(lines[^1]);
            return key.Signed(checkpoint)
                ? (checkpoint, null)
                : (null, $"the last line of {FilePath} is not signed by this server's checkpoint key ({key.Id})");
        }
        catch (FormatException e)
        {
            return (null, $"the last line of {FilePath} is damaged: {e.Message}");
        }
    }

    private static string? Contradiction(IStoreSession session, SignedCheckpoint checkpoint)
    {
        var record = session.QueryAuditEvents(new AuditQuery(checkpoint.Sequence - 1, 1, null, null, [], null, null, AuditOutcome.Unspecified)).FirstOrDefault();
        if (record is null || record.Sequence != checkpoint.Sequence)
        {
            var last = session.LastAuditEvent()?.Sequence ?? 0;
            return $"the log ends at event {last.ToString(CultureInfo.InvariantCulture)}, before {checkpoint.Describe()}: events were deleted";
        }
        if (!record.Hash.AsSpan().SequenceEqual(checkpoint.Hash))
        {
            return $"event {checkpoint.Sequence.ToString(CultureInfo.InvariantCulture)} is not the one {checkpoint.Describe()} signed: the database was replaced or rewritten";
        }
        return checkpoint.Heads is null || Heads(session, checkpoint.Sequence).AsSpan().SequenceEqual(checkpoint.Heads)
            ? null
            : $"the chain heads up to event {checkpoint.Sequence.ToString(CultureInfo.InvariantCulture)} are not the ones {checkpoint.Describe()} signed: events of a chain were deleted, or the database was replaced";
    }

    /// <summary>The hash of every chain's newest event up to <paramref name="sequence"/>.</summary>
    private static byte[] Heads(IStoreSession session, long sequence) =>
        AuditHash.Heads(session.ListAuditChains().Select(chain => session.AuditChainHead(chain, sequence)).OfType<AuditRecord>());

    private static VerifyAuditChainResponse Broken(VerifyAuditChainResponse chain, long sequence, string message) =>
        new() { Valid = false, EventsChecked = chain.EventsChecked, FirstInvalidSequence = sequence, Message = message };
}
