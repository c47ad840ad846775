using CodeSigning.V1;

namespace CodeSigning.Server.Storage;

public sealed record SigningRequestRecord(
    string Id, string SignerId, Principal Requester, string Justification, long SignatureCount, TimeSpan Window,
    SigningRequestState State, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, string? GrantId);
