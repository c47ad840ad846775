using System.Security.Cryptography;

namespace CodeSigning.Server.Keys;

/// <summary>
/// What the store keeps for a key in the HSM vault: <c>version(1) || CKA_ID</c>. It names the token
/// object, holds no key material, and is useless without the token and its PIN.
/// </summary>
internal static class Pkcs11KeyReference
{
    private const byte Version = 1;
    public const int IdLength = 16;

    public static byte[] NewId() => RandomNumberGenerator.GetBytes(IdLength);

    public static byte[] Create(ReadOnlySpan<byte> id) => [Version, .. id];

    /// <exception cref="CryptographicException">Not an HSM vault key reference.</exception>
    public static byte[] Id(ReadOnlySpan<byte> reference) =>
        reference.Length == 1 + IdLength && reference[0] == Version
            ? reference[1..].ToArray()
            : throw new CryptographicException("The key reference is not an HSM vault key of a known version.");
}
