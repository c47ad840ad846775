namespace CodeSigning.Server.Storage;

public sealed record ServiceAccountRecord(string Id, string Name, string Description, string ClientId, bool Enabled, DateTimeOffset CreatedAt);
