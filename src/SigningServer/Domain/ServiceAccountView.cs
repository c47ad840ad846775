using CodeSigning.Server.Storage;

namespace CodeSigning.Server.Domain;

public sealed record ServiceAccountView(ServiceAccountRecord Account, IReadOnlyList<ServiceAccountKeyRecord> Keys);
