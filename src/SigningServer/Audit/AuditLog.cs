using CodeSigning.Server.Storage;
using CodeSigning.V1;

namespace CodeSigning.Server.Audit;

/// <summary>
/// Appends to and verifies the audit log: one hash chain per Signer for the events about it, and a
/// server-wide chain ("") for the rest. Appends to different chains need not wait for each other;
/// the checkpoints (<see cref="AuditCheckpoints"/>) sign the heads of all chains at once.
/// </summary>
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
    /// Appends in the caller's transaction: the chain's lock keeps its positions gapless and its links
    /// linear, and the event commits or rolls back with what it records, as do the observers' writes
    /// (webhook deliveries).
    /// </summary>
    public AuditRecord Append(IStoreSession session, AuditEntry entry)
    {
        // An event about a Signer links into the Signer's chain; one about none ("") into the server-wide chain.
        var chain = entry.SignerId;
        var last = session.LockAuditChain(chain);
        var record = new AuditRecord(
            session.NextAuditSequence(), Guid.CreateVersion7().ToString("N"), clock.GetUtcNow(), entry.Type.Name, entry.Outcome, entry.Actor,
            entry.SignerId, entry.SignerName, entry.Reason, entry.Client, entry.RemoteAddress,
            new SortedDictionary<string, string>(entry.Details, StringComparer.Ordinal), [], last?.Hash ?? new byte[32],
            chain, (last?.ChainSequence ?? 0) + 1);
        record = record with { Hash = AuditHash.Compute(record) };
        session.InsertAuditEvent(record);
        foreach (var observer in _observers)
        {
            observer.Appended(session, record);
        }
        return record;
    }

    /// <summary>
    /// Recomputes every chain; reports the altered, unlinked or missing event with the lowest sequence
    /// number (a missing one by the number after its predecessor's), and any event in no chain.
    /// </summary>
    public static VerifyAuditChainResponse Verify(IStoreSession session)
    {
        long checkedCount = 0;
        (long Sequence, string Message)? first = null;
        var chains = session.ListAuditChains();
        foreach (var chain in chains)
        {
            var (count, problem) = VerifyChain(session, chain);
            checkedCount += count;
            if (problem is { } p && (first is null || p.Sequence < first.Value.Sequence))
            {
                first = p;
            }
        }
        if (first is { } invalid)
        {
            return new VerifyAuditChainResponse { Valid = false, EventsChecked = checkedCount, FirstInvalidSequence = invalid.Sequence, Message = invalid.Message };
        }
        var stored = session.CountAuditEvents();
        if (stored != checkedCount)
        {
            return new VerifyAuditChainResponse
            {
                Valid = false, EventsChecked = checkedCount, FirstInvalidSequence = 0,
                Message = $"{stored - checkedCount} events belong to no chain of this server: they were inserted",
            };
        }
        return new VerifyAuditChainResponse { Valid = true, EventsChecked = checkedCount, Message = $"{checkedCount} events verified" };
    }

    /// <returns>How many events of the chain verified, and its first problem.</returns>
    private static (long Checked, (long Sequence, string Message)? Problem) VerifyChain(IStoreSession session, string chain)
    {
        var previousHash = new byte[32];
        long expected = 1, previousSequence = 0;
        var name = chain.Length == 0 ? "the server-wide chain" : $"the chain of Signer {chain}";
        while (true)
        {
            var page = session.ReadAuditChain(chain, expected - 1, VerifyPageSize);
            foreach (var record in page)
            {
                if (record.ChainSequence != expected)
                {
                    return (expected - 1, (previousSequence + 1, $"an event after event {previousSequence} is missing from {name} (its event {expected})"));
                }
                if (!record.PreviousHash.AsSpan().SequenceEqual(previousHash) || record.Sequence <= previousSequence)
                {
                    return (expected - 1, (record.Sequence, $"event {record.Sequence} does not link to the event before it in {name}"));
                }
                if (!AuditHash.Compute(record).AsSpan().SequenceEqual(record.Hash))
                {
                    return (expected - 1, (record.Sequence, $"event {record.Sequence} was altered"));
                }
                previousHash = record.Hash;
                previousSequence = record.Sequence;
                expected++;
            }
            if (page.Count < VerifyPageSize)
            {
                return (expected - 1, null);
            }
        }
    }
}
