namespace CodeSigning.Server.Storage;

public sealed record GroupRecord(string Id, string Name, string Description);
