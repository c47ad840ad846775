namespace CodeSigning.Server.Domain;

/// <summary>A new API key: <paramref name="Secret"/> is shown once to its owner; only the rest is stored.</summary>
/// <param name="Id">The public part, 12 lowercase hex characters, for lookup and display.</param>
/// <param name="Secret">The whole key, <c>prefix_id_random</c>.</param>
/// <param name="Salt">16 random bytes.</param>
/// <param name="Hash">SHA-256(salt || secret).</param>
public sealed record GeneratedSecret(string Id, string Secret, byte[] Salt, byte[] Hash);
