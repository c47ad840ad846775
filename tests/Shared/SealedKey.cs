using System.Buffers.Binary;
using System.Security.Cryptography;

namespace CodeSigning.Tests.Shared;

/// <summary>
/// Opens a software-vault key reference with the data directory's key-encryption key
/// (<c>DIR/vault.kek</c>), as an attacker holding both files would: tests learn the real plaintext
/// PKCS#8 and then look for it where it must not be.
/// </summary>
public static class SealedKey
{
    public const string KekFileName = "vault.kek";

    /// <summary>Format 1: version(1) nonce(12) tag(16) spki length(2, big-endian) spki, then AES-256-GCM ciphertext; associated data version || spki.</summary>
    public static byte[] Unseal(byte[] sealedKey, byte[] kek)
    {
        if (sealedKey[0] != 1)
        {
            throw new NotSupportedException($"sealed key format {sealedKey[0]} is not known to the tests");
        }
        var spkiLength = BinaryPrimitives.ReadUInt16BigEndian(sealedKey.AsSpan(29));
        var spki = sealedKey.AsSpan(31, spkiLength);
        var ciphertext = sealedKey.AsSpan(31 + spkiLength);
        var plaintext = new byte[ciphertext.Length];
        using var aes = new AesGcm(kek, 16);
        aes.Decrypt(sealedKey.AsSpan(1, 12), ciphertext, sealedKey.AsSpan(13, 16), plaintext, [sealedKey[0], .. spki]);
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
