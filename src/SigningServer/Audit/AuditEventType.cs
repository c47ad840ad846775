using CodeSigning.V1;

namespace CodeSigning.Server.Audit;

/// <summary>One type of audit event of the catalogue (<see cref="AuditEventTypes"/>); only the catalogue makes them.</summary>
/// <param name="Name">The dotted name stored in the log, filtered on by csign and subscribed to by webhooks.</param>
/// <param name="Outcomes">The outcomes an event of this type can have.</param>
/// <param name="Details">The keys its <c>details</c> may hold; none is a secret.</param>
/// <param name="When">When the server writes it.</param>
public sealed class AuditEventType
{
    internal AuditEventType(string name, IReadOnlyList<AuditOutcome> outcomes, IReadOnlyList<string> details, string when) =>
        (Name, Outcomes, Details, When) = (name, outcomes, details, when);

    public string Name { get; }
    public IReadOnlyList<AuditOutcome> Outcomes { get; }
    public IReadOnlyList<string> Details { get; }
    public string When { get; }

    public override string ToString() => Name;
}
