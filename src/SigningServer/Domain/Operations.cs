using CodeSigning.Server.Audit;
using CodeSigning.Server.Storage;
using CodeSigning.V1;

namespace CodeSigning.Server.Domain;

/// <summary>
/// Runs one operation in one transaction and audits it: the success event commits with the
/// change it records; a denial rolls the change back and is recorded in a transaction of its own.
/// </summary>
public sealed class Operations(IStore store, AuditLog audit)
{
    /// <summary>A read: nothing to audit on success; a denial is still recorded.</summary>
    public T Read<T>(Caller caller, AuditEventType deniedType, Func<IStoreSession, OperationScope, T> action) =>
        Run(caller, null, deniedType, action);

    /// <summary>A change audited as <paramref name="type"/>, denied or not.</summary>
    public T Change<T>(Caller caller, AuditEventType type, Func<IStoreSession, OperationScope, T> action) =>
        Run(caller, type, type, action);

    private T Run<T>(Caller caller, AuditEventType? successType, AuditEventType deniedType, Func<IStoreSession, OperationScope, T> action)
    {
        var scope = new OperationScope(caller.Client);
        try
        {
            // Reads too: some change what they read (a pending request past its deadline becomes expired).
            using var session = store.Begin();
            var result = action(session, scope);
            if (successType is not null)
            {
                audit.Append(session, Entry(caller, successType, AuditOutcome.Success, scope));
            }
            session.Commit();
            return result;
        }
        catch (ServiceException e)
        {
            Record(Entry(caller, deniedType, e.IsDenial ? AuditOutcome.Denied : AuditOutcome.Failed, scope) with { Reason = e.AuditedReasonName });
            throw;
        }
    }

    /// <summary>Appends one event in a transaction of its own.</summary>
    public void Record(AuditEntry entry)
    {
        using var session = store.Begin();
        audit.Append(session, entry);
        session.Commit();
    }

    internal static AuditEntry Entry(Caller caller, AuditEventType type, AuditOutcome outcome, OperationScope scope) =>
        new(type, outcome, caller.Principal, scope.Client, caller.RemoteAddress)
        {
            SignerId = scope.Signer?.Id ?? "",
            SignerName = scope.Signer?.Name ?? "",
            Details = scope.Details,
        };
}
