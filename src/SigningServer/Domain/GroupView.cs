using CodeSigning.Server.Storage;

namespace CodeSigning.Server.Domain;

public sealed record GroupView(GroupRecord Group, IReadOnlyList<Principal> Members);
