using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace CodeSigning.Server.Domain;

/// <summary>
/// API keys of the form <c>prefix_id_random</c>: the id finds the stored record, the random part
/// (32 bytes, base64url) is the secret. The server keeps only a salted SHA-256 of the whole key.
/// </summary>
/// <remarks>
/// A fast hash is right here, unlike for passwords: the secret carries 256 random bits, so no
/// guess list or brute force can get near it and key stretching would add nothing but CPU per
/// call. The salt keeps equal keys from having equal hashes.
/// </remarks>
public static class ApiKeySecrets
{
    /// <summary>The prefix of a user's API key.</summary>
    public const string ApiKeyPrefix = "csk";

    /// <summary>The prefix of a service account's access token.</summary>
    public const string AccessTokenPrefix = "cst";

    private const int IdBytes = 6;
    private const int IdLength = IdBytes * 2;
    private const int RandomBytes = 32;
    private const int RandomLength = 43; // base64url of 32 bytes, unpadded
    private const int SaltBytes = 16;
    private const int MaxPrefixLength = 16;
    private const string Base64UrlAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    /// <param name="prefix">Names the kind of secret (<c>csk</c>): 1 to 16 lowercase letters or digits.</param>
    public static GeneratedSecret Generate(string prefix)
    {
        if (!IsPrefix(prefix))
        {
            throw new ArgumentException($"A secret prefix is 1 to {MaxPrefixLength} lowercase letters or digits, not '{prefix}'.", nameof(prefix));
        }
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdBytes));
        var secret = $"{prefix}_{id}_{Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(RandomBytes))}";
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        return new GeneratedSecret(id, secret, salt, Hash(salt, secret));
    }

    /// <summary>Reads prefix and id from a presented key; false for anything not exactly in the generated format.</summary>
    public static bool TryParse(string presented, out string prefix, out string id)
    {
        prefix = id = "";
        if (presented is null)
        {
            return false;
        }
        var firstSeparator = presented.IndexOf('_', StringComparison.Ordinal);
        if (firstSeparator < 1 || presented.Length != firstSeparator + 1 + IdLength + 1 + RandomLength)
        {
            return false;
        }
        var candidatePrefix = presented[..firstSeparator];
        var candidateId = presented.AsSpan(firstSeparator + 1, IdLength);
        var random = presented.AsSpan(firstSeparator + 1 + IdLength + 1);
        if (!IsPrefix(candidatePrefix) || presented[firstSeparator + 1 + IdLength] != '_' ||
            candidateId.ContainsAnyExcept("0123456789abcdef") || !IsCanonicalRandom(random))
        {
            return false;
        }
        prefix = candidatePrefix;
        id = candidateId.ToString();
        return true;
    }

    /// <summary>Whether <paramref name="presented"/> is the key whose salted hash is stored, in time independent of where they differ.</summary>
    public static bool Verify(string presented, byte[] salt, byte[] hash)
    {
        if (!TryParse(presented, out _, out _))
        {
            return false;
        }
        // Every authenticated call verifies: on the stack, not two arrays for the GC.
        Span<byte> computed = stackalloc byte[SHA256.HashSizeInBytes];
        Hash(salt, presented, computed);
        return CryptographicOperations.FixedTimeEquals(computed, hash);
    }

    private static byte[] Hash(byte[] salt, string secret)
    {
        var hash = new byte[SHA256.HashSizeInBytes];
        Hash(salt, secret, hash);
        return hash;
    }

    private static void Hash(byte[] salt, string secret, Span<byte> destination)
    {
        // A parsed secret is short; anything else (a generated one with a long prefix) goes to the heap.
        var length = salt.Length + Encoding.UTF8.GetByteCount(secret);
        Span<byte> input = length <= 256 ? stackalloc byte[length] : new byte[length];
        salt.CopyTo(input);
        Encoding.UTF8.GetBytes(secret, input[salt.Length..]);
        try
        {
            SHA256.HashData(input, destination);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(input);
        }
    }

    private static bool IsPrefix(string prefix) =>
        prefix is { Length: > 0 and <= MaxPrefixLength } && !prefix.AsSpan().ContainsAnyExcept("abcdefghijklmnopqrstuvwxyz0123456789");

    /// <summary>43 base64url characters whose last one leaves the two unused bits zero, as the encoder writes them.</summary>
    private static bool IsCanonicalRandom(ReadOnlySpan<char> random) =>
        !random.ContainsAnyExcept(Base64UrlAlphabet) && Base64UrlAlphabet.IndexOf(random[^1], StringComparison.Ordinal) % 4 == 0;
}
