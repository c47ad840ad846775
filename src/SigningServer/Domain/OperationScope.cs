using CodeSigning.Server.Audit;
using CodeSigning.Server.Storage;

namespace CodeSigning.Server.Domain;

/// <summary>What an operation learns while it runs, for its audit event (success or denial).</summary>
public sealed class OperationScope(AuditClient client)
{
    public AuditClient Client { get; } = client;
    public SignerRecord? Signer { get; set; }
    public SortedDictionary<string, string> Details { get; } = new(StringComparer.Ordinal);
}
