namespace CodeSigning.Server.Storage;

public sealed record UserRecord(string Id, string Name, string DisplayName, string Email, bool ProductAdmin, bool Enabled, DateTimeOffset CreatedAt);
