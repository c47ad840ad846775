using CodeSigning.V1;

namespace CodeSigning.Server.Storage;

public sealed record MemberRecord(string SignerId, Principal Principal, Role Role);
