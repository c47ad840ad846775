using CodeSigning.Server.Storage;
using CodeSigning.V1;

namespace CodeSigning.Server.Audit;

/// <summary>Appends to and verifies the server-wide hash chain.</summary>
/// <param name="observers">Told of each appended event in its transaction (the webhook outbox).</param>
public sealed class AuditLog(TimeProvider clock, IEnumerable<IAuditObserver> observers)
{
    private const int VerifyPageSize = 1000;

    private readonly IAuditObserver[] _observers = observers.ToArray();

    /// <summary>A log that tells no one: for tests of what appends to it.</summary>
    public AuditLog(TimeProvider clock) : this(clock, [])
    {
    }

    /// <summary>
    /// Appends in the caller's transaction: the store's write lock keeps the sequence gapless and
    /// the chain linear, and the event commits or rolls back with what it records, as do the
    /// observers' writes (webhook deliveries).
    /// </summary>
    public AuditRecord Append(IStoreSession session, AuditEntry entry)
    {
        var last = session.LastAuditEvent();
        var record = new AuditRecord(
            (last?.Sequence ?? 0) + 1, Guid.CreateVersion7().ToString("N"), clock.GetUtcNow(), entry.Type.Name, entry.Outcome, entry.Actor,
            entry.SignerId, entry.SignerName, entry.Reason, entry.Client, entry.RemoteAddress,
            new SortedDictionary<string, string>(entry.Details, StringComparer.Ordinal), [], last?.Hash ?? new byte[32]);
        record = record with { Hash = AuditHash.Compute(record) };
        session.InsertAuditEvent(record);
        foreach (var observer in _observers)
        {
            observer.Appended(session, record);
        }
        return record;
    }

    /// <summary>Recomputes the whole chain; reports the first event that was altered, or follows a removed one.</summary>
    public static VerifyAuditChainResponse Verify(IStoreSession session)
    {
        var previousHash = new byte[32];
        long expected = 1, checkedCount = 0;
        while (true)
        {
            var page = session.QueryAuditEvents(new AuditQuery(expected - 1, VerifyPageSize, null, null, [], null, null, AuditOutcome.Unspecified));
            foreach (var record in page)
            {
                string? problem = null;
                if (record.Sequence != expected)
                {
                    problem = $"event {expected} is missing";
                }
                else if (!record.PreviousHash.AsSpan().SequenceEqual(previousHash))
                {
                    problem = $"event {record.Sequence} does not link to the event before it";
                }
                else if (!AuditHash.Compute(record).AsSpan().SequenceEqual(record.Hash))
                {
                    problem = $"event {record.Sequence} was altered";
                }
                if (problem is not null)
                {
                    return new VerifyAuditChainResponse { Valid = false, EventsChecked = checkedCount, FirstInvalidSequence = expected, Message = problem };
                }
                previousHash = record.Hash;
                expected++;
                checkedCount++;
            }
            if (page.Count < VerifyPageSize)
            {
                return new VerifyAuditChainResponse { Valid = true, EventsChecked = checkedCount, Message = $"{checkedCount} events verified" };
            }
        }
    }
}
