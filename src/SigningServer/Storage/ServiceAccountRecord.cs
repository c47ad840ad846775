namespace CodeSigning.Server.Storage;

/// <param name="ArchivedAt">Null while the account may still be enabled; set once, for good.</param>
public sealed record ServiceAccountRecord(string Id, string Name, string Description, string ClientId, bool Enabled, DateTimeOffset CreatedAt,
    DateTimeOffset? ArchivedAt = null);
