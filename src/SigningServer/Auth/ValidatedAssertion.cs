namespace CodeSigning.Server.Auth;

/// <summary>What a valid assertion proves: the client, the key that signed, and the jti to record against replays until it expires.</summary>
public sealed record ValidatedAssertion(string ClientId, string KeyId, string Jti, DateTimeOffset ExpiresAt);
