using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;

namespace CodeSigning.Tests.Shared;

/// <summary>
/// Opens a software-vault key reference with the data directory's key-encryption key file
/// (<c>DIR/vault.kek</c>), as an attacker holding both would: tests learn the real plaintext PKCS#8
/// and then look for it where it must not be.
/// </summary>
public static class SealedKey
{
    private const string KekFileName = "vault.kek";

    /// <summary>
    /// The KEKs by id: a file of 32 raw bytes is KEK 0; a ring is <c>codesign-kek-ring 1</c> then
    /// one <c>ID STATE BASE64</c> line per KEK.
    /// </summary>
    public static Dictionary<uint, byte[]> Keks(string dataDir)
    {
        var bytes = File.ReadAllBytes(Path.Combine(dataDir, KekFileName));
        if (bytes.Length == 32)
        {
            return new() { [0] = bytes };
        }
        return System.Text.Encoding.ASCII.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Skip(1)
            .Select(line => line.Split(' '))
            .ToDictionary(fields => uint.Parse(fields[0], CultureInfo.InvariantCulture), fields => Convert.FromBase64String(fields[2]));
    }

    /// <summary>
    /// Format 1: version(1) nonce(12) tag(16) spki length(2, big-endian) spki ciphertext, associated
    /// data version || spki. Format 2 puts a KEK id (4, big-endian) after the version, and in the
    /// associated data.
    /// </summary>
    public static byte[] Unseal(byte[] sealedKey, Dictionary<uint, byte[]> keks)
    {
        var prefix = sealedKey[0] switch
        {
            1 => 1,
            2 => 5,
            _ => throw new NotSupportedException($"sealed key format {sealedKey[0]} is not known to the tests"),
        };
        var kek = keks[prefix == 1 ? 0 : BinaryPrimitives.ReadUInt32BigEndian(sealedKey.AsSpan(1))];
        var spkiLength = BinaryPrimitives.ReadUInt16BigEndian(sealedKey.AsSpan(prefix + 28));
        var spki = sealedKey.AsSpan(prefix + 30, spkiLength);
        var ciphertext = sealedKey.AsSpan(prefix + 30 + spkiLength);
        var plaintext = new byte[ciphertext.Length];
        using var aes = new AesGcm(kek, 16);
        aes.Decrypt(sealedKey.AsSpan(prefix, 12), ciphertext, sealedKey.AsSpan(prefix + 12, 16), plaintext, [.. sealedKey.AsSpan(0, prefix), .. spki]);
        return plaintext;
    }

    /// <summary>The bare private value of a PKCS#8 key: the EC scalar d, or the RSA private exponent.</summary>
    public static byte[] PrivateScalar(byte[] pkcs8)
    {
        using var ec = ECDsa.Create();
        try
        {
            ec.ImportPkcs8PrivateKey(pkcs8, out _);
            return ec.ExportParameters(true).D!;
        }
        catch (CryptographicException)
        {
            using var rsa = RSA.Create();
            rsa.ImportPkcs8PrivateKey(pkcs8, out _);
            return rsa.ExportParameters(true).D!;
        }
    }

    /// <summary>How a leaked secret would sit in a column, a dump or a log line: raw, hex (both cases), base64 (its first line in PEM).</summary>
    public static IEnumerable<byte[]> Encodings(byte[] secret)
    {
        var base64 = Convert.ToBase64String(secret);
        return
        [
            secret,
            System.Text.Encoding.ASCII.GetBytes(Convert.ToHexString(secret)),
            System.Text.Encoding.ASCII.GetBytes(Convert.ToHexStringLower(secret)),
            System.Text.Encoding.ASCII.GetBytes(base64[..Math.Min(64, base64.Length)]),
        ];
    }
}
