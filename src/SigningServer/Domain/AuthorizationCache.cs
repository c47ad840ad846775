using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace CodeSigning.Server.Domain;

/// <summary>
/// Answers of the request path (a credential's caller, a caller's access to a Signer), each kept
/// with the store's authorization version (<see cref="Storage.IStoreSession.AuthorizationVersion"/>)
/// it was read under, and given back only to a lookup made under that same version. Every write
/// that could change an answer moves the version in the database, so the next call on any replica
/// misses and reads the store again: a revocation is in force on the very next call.
/// </summary>
/// <remarks>Bounded: when it is full (or the version moved on) it starts over, empty.</remarks>
public sealed class AuthorizationCache<TKey, TValue>(int capacity) where TKey : notnull where TValue : class
{
    private readonly ConcurrentDictionary<TKey, (long Version, TValue Value)> _entries = new();
    private int _count;
    private long _newestVersion = long.MinValue;

    public bool TryGet(TKey key, long version, [MaybeNullWhen(false)] out TValue value)
    {
        if (_entries.TryGetValue(key, out var entry) && entry.Version == version)
        {
            value = entry.Value;
            return true;
        }
        value = null;
        return false;
    }

    public void Set(TKey key, long version, TValue value)
    {
        var newest = Interlocked.Read(ref _newestVersion);
        if (version > newest && Interlocked.CompareExchange(ref _newestVersion, version, newest) == newest && newest != long.MinValue)
        {
            // What was read under an older version can never be given back again.
            Clear();
        }
        if (!_entries.ContainsKey(key) && Interlocked.Increment(ref _count) > capacity)
        {
            Clear();
            Interlocked.Increment(ref _count);
        }
        _entries[key] = (version, value);
    }

    private void Clear()
    {
        _entries.Clear();
        Interlocked.Exchange(ref _count, 0);
    }
}
