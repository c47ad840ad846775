using CodeSigning.Server.Domain;

namespace CodeSigning.Server.Auth;

/// <summary>
/// A credential the store vouched for: its stored salt and hash (what the store holds, never the
/// secret: each call's presented secret is checked against them), the caller it stands for (without
/// a remote address), and, for an API key, when its last use was recorded.
/// </summary>
public sealed record VerifiedCredential(byte[] Salt, byte[] Hash, Caller Caller, DateTimeOffset? LastUsedAt);
