using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace CodeSigning.Pkcs11.Tokens;

/// <summary>
/// Slot ids: the first 4 bytes of SHA-256 of a stable key (the Signer id), masked to a positive
/// 31-bit value (SunPKCS11 reads slot ids as Java ints), and never 0. Stable across processes and
/// list order; a collision moves the later key (in ordinal order) to the next free value.
/// </summary>
public static class SlotIds
{
    public static ulong Derive(string key)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), hash);
        var value = BinaryPrimitives.ReadUInt32BigEndian(hash) & 0x7FFFFFFF;
        return value == 0 ? 1 : value;
    }

    public static IReadOnlyDictionary<string, ulong> Assign(IEnumerable<string> keys) => Assign(keys, Derive);

    internal static IReadOnlyDictionary<string, ulong> Assign(IEnumerable<string> keys, Func<string, ulong> derive)
    {
        var assigned = new Dictionary<string, ulong>();
        var taken = new HashSet<ulong>();
        foreach (var key in keys.Distinct().Order(StringComparer.Ordinal))
        {
            var id = derive(key);
            while (!taken.Add(id))
            {
                id = id >= 0x7FFFFFFF ? 1 : id + 1;
            }

            assigned[key] = id;
        }

        return assigned;
    }
}
