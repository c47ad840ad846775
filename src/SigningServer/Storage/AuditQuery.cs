using CodeSigning.V1;

namespace CodeSigning.Server.Storage;

/// <param name="SignerIds">When not null, only events of these Signers.</param>
/// <param name="Types">Exact types or prefixes ending in ".".</param>
/// <param name="UpToSequence">When not null, only events numbered up to it.</param>
public sealed record AuditQuery(
    long AfterSequence, int Limit, IReadOnlyCollection<string>? SignerIds, string? ActorName,
    IReadOnlyCollection<string> Types, DateTimeOffset? Since, DateTimeOffset? Until, AuditOutcome Outcome, long? UpToSequence = null);
