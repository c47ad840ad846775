using System.Security.Cryptography;
using CodeSigning.Ksp.Cng;
using CodeSigning.Pkcs11.Cryptoki;
using CodeSigning.Pkcs11.Mechanisms;
using CodeSigning.Pkcs11.Tokens;
using CodeSigning.V1;
using static CodeSigning.Ksp.Cng.NCrypt;
using static CodeSigning.Ksp.Cng.SECURITY_STATUS;

namespace CodeSigning.Ksp;

/// <summary>
/// NCryptSignHash's arguments as what the server signs. The server offers PKCS#1 v1.5 and PSS (MGF1
/// over the same hash, salt as long as the digest) over SHA-256/384/512, and ECDSA over a digest of
/// those lengths, returning r||s as CNG does (IEEE P1363); anything else is refused before any call.
/// </summary>
public static class HashSignature
{
    private const uint Paddings = BCRYPT_PAD_NONE | BCRYPT_PAD_PKCS1 | BCRYPT_PAD_OAEP | BCRYPT_PAD_PSS;

    public static SignatureInput Prepare(SignerKey key, uint flags, PaddingInfo? padding, ReadOnlySpan<byte> hash)
    {
        if ((flags & ~(Paddings | NCRYPT_SILENT_FLAG)) != 0)
        {
            throw new KspException(NTE_BAD_FLAGS, $"dwFlags 0x{flags:X} has bits SignHash does not define");
        }

        if (hash.IsEmpty)
        {
            throw new KspException(NTE_INVALID_PARAMETER, "no hash to sign");
        }

        var scheme = flags & Paddings;
        if (key.KeyType == CKK.CKK_EC)
        {
            return scheme != 0
                ? throw new KspException(NTE_BAD_FLAGS, "an ECDSA key takes no padding flag")
                : new SignatureInput(SignatureScheme.Ecdsa, Digests.ByLength(hash.Length)
                    ?? throw new KspException(NTE_NOT_SUPPORTED, $"ECDSA signs a SHA-256, SHA-384 or SHA-512 digest (32, 48 or 64 bytes), not {hash.Length} bytes"), hash.ToArray());
        }

        switch (scheme)
        {
            case BCRYPT_PAD_PKCS1 when padding is not null:
                return new SignatureInput(SignatureScheme.RsaPkcs1V15, HashOf(padding.HashAlgorithm
                    ?? throw new KspException(NTE_NOT_SUPPORTED, "PKCS#1 without a hash algorithm (raw DigestInfo) is not offered"), hash), hash.ToArray());
            case BCRYPT_PAD_PSS when padding is not null:
                var pssHash = HashOf(padding.HashAlgorithm ?? throw new KspException(NTE_INVALID_PARAMETER, "BCRYPT_PSS_PADDING_INFO names no hash algorithm"), hash);
                return padding.Salt == Digests.Length(pssHash)
                    ? new SignatureInput(SignatureScheme.RsaPss, pssHash, hash.ToArray())
                    : throw new KspException(NTE_NOT_SUPPORTED, $"PSS is offered with a salt as long as the digest ({Digests.Length(pssHash)} bytes), not {padding.Salt}");
            case BCRYPT_PAD_PKCS1 or BCRYPT_PAD_PSS:
                throw new KspException(NTE_INVALID_PARAMETER, "RSA signing needs pPaddingInfo");
            case BCRYPT_PAD_NONE:
                throw new KspException(NTE_NOT_SUPPORTED, "raw RSA (BCRYPT_PAD_NONE) is not offered");
            default:
                throw new KspException(NTE_INVALID_PARAMETER, "RSA signing needs exactly one of BCRYPT_PAD_PKCS1 and BCRYPT_PAD_PSS");
        }
    }

    private static HashAlgorithmName HashOf(string algorithm, ReadOnlySpan<byte> hash)
    {
        var name = algorithm switch
        {
            BCRYPT_SHA256_ALGORITHM => HashAlgorithmName.SHA256,
            BCRYPT_SHA384_ALGORITHM => HashAlgorithmName.SHA384,
            BCRYPT_SHA512_ALGORITHM => HashAlgorithmName.SHA512,
            _ => throw new KspException(NTE_NOT_SUPPORTED, $"hash algorithm \"{DisplayText.Escape(algorithm)}\" is not offered: use SHA256, SHA384 or SHA512"),
        };
        return hash.Length == Digests.Length(name)
            ? name
            : throw new KspException(NTE_INVALID_PARAMETER, $"a {algorithm} hash is {Digests.Length(name)} bytes, not {hash.Length}");
    }
}
