using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace CodeSigning.Server.Keys;

/// <summary>
/// Private keys the software vault has already unsealed, by the SHA-256 of their sealed reference, so
/// that a signature costs the key operation alone: opening AES-GCM and parsing PKCS#8 cost an EC
/// signature about eight times over. A reference names one key for good (tampering changes the bytes;
/// rekey makes new ones), so an entry never goes stale. Each entry is a small pool because a key
/// object is not documented as safe to sign with on two threads at once.
/// </summary>
internal sealed class OpenedKeyCache
{
    // More distinct keys than any server signs with: past it the cache starts over rather than grow.
    private const int MaxKeys = 4096;

    private readonly ConcurrentDictionary<string, ConcurrentBag<AsymmetricAlgorithm>> _pools = new(StringComparer.Ordinal);

    public static string IdOf(ReadOnlySpan<byte> keyReference) => Convert.ToHexString(SHA256.HashData(keyReference));

    /// <summary>An opened key of that reference no other thread is using, if one is cached.</summary>
    public AsymmetricAlgorithm? Rent(string id) =>
        _pools.TryGetValue(id, out var pool) && pool.TryTake(out var key) ? key : null;

    /// <summary>Gives a key back for the next signature with the same reference.</summary>
    public void Return(string id, AsymmetricAlgorithm key)
    {
        if (_pools.Count >= MaxKeys && !_pools.ContainsKey(id))
        {
            _pools.Clear();
        }
        _pools.GetOrAdd(id, _ => []).Add(key);
    }
}
