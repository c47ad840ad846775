using CodeSigning.Server.Storage;
using CodeSigning.V1;

namespace CodeSigning.Server.Audit;

/// <summary>What happened, before the log gives it a place in the chain. Its type is one of the catalogue (<see cref="AuditEventTypes"/>).</summary>
public sealed record AuditEntry(AuditEventType Type, AuditOutcome Outcome, Principal? Actor, AuditClient Client, string RemoteAddress)
{
    public string SignerId { get; init; } = "";
    public string SignerName { get; init; } = "";
    public string Reason { get; init; } = "";
    public SortedDictionary<string, string> Details { get; init; } = new(StringComparer.Ordinal);

    public AuditEntry ForSigner(SignerRecord signer) => this with { SignerId = signer.Id, SignerName = signer.Name };
}
