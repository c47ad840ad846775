using System.Security.Cryptography;
using CodeSigning.Pkcs11.Cryptoki;

namespace CodeSigning.Pkcs11.Mechanisms;

/// <summary>
/// The DER DigestInfo a CKM_RSA_PKCS caller builds. Only SHA-256/384/512 DigestInfos are accepted:
/// the server builds the DigestInfo itself from (algorithm, digest), so raw RSA is not offered.
/// </summary>
public static class DigestInfo
{
    private static readonly (HashAlgorithmName Hash, byte[] Prefix)[] Prefixes =
    [
        (HashAlgorithmName.SHA256, [0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20]),
        (HashAlgorithmName.SHA384, [0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30]),
        (HashAlgorithmName.SHA512, [0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40]),
    ];

    public static (HashAlgorithmName Hash, byte[] Digest) Parse(ReadOnlySpan<byte> data, int modulusBytes)
    {
        // PKCS#1 v1.5 needs at least 11 bytes of padding (PKCS#11 CKM_RSA_PKCS input limit).
        if (data.Length > modulusBytes - 11)
        {
            throw new Pkcs11Exception(CKR.CKR_DATA_LEN_RANGE, $"CKM_RSA_PKCS input of {data.Length} bytes exceeds k-11 = {modulusBytes - 11}");
        }

        foreach (var (hash, prefix) in Prefixes)
        {
            if (data.Length == prefix.Length + Digests.Length(hash) && data.StartsWith(prefix))
            {
                return (hash, data[prefix.Length..].ToArray());
            }
        }

        throw new Pkcs11Exception(CKR.CKR_DATA_INVALID, "CKM_RSA_PKCS input is not a SHA-256, SHA-384 or SHA-512 DigestInfo; raw RSA is not offered");
    }

    public static byte[] Build(HashAlgorithmName hash, ReadOnlySpan<byte> digest) =>
        [.. Prefixes.First(p => p.Hash == hash).Prefix, .. digest];
}
