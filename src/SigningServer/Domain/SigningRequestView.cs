using CodeSigning.Server.Storage;

namespace CodeSigning.Server.Domain;

public sealed record SigningRequestView(SigningRequestRecord Request, string SignerName, IReadOnlyList<DecisionRecord> Decisions);
