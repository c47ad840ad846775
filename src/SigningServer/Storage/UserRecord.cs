namespace CodeSigning.Server.Storage;

/// <param name="ArchivedAt">Null while the user may still be enabled; set once, for good.</param>
public sealed record UserRecord(string Id, string Name, string DisplayName, string Email, bool ProductAdmin, bool Enabled, DateTimeOffset CreatedAt,
    DateTimeOffset? ArchivedAt = null);
