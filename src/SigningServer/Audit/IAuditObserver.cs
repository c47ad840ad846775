using CodeSigning.Server.Storage;

namespace CodeSigning.Server.Audit;

/// <summary>
/// Told of each event the log appends, inside the appending transaction: what it writes there
/// commits or rolls back with the event. Hosting registers the observers (the webhook outbox).
/// </summary>
public interface IAuditObserver
{
    void Appended(IStoreSession session, AuditRecord record);
}
