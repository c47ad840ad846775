using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CodeSigning.V1;

namespace CodeSigning.Server.Keys;

/// <summary>
/// Keys generated and used in the server process, stored as PKCS#8 sealed with AES-256-GCM under the
/// data directory's key-encryption key. The key reference is
/// <c>version(1) || nonce(12) || tag(16) || spkiLength(2, big-endian) || spki || ciphertext</c>; the
/// associated data is <c>version || spki</c>, so a reference cannot be re-labelled with another key's
/// public key, and the public key travels with the reference because <see cref="IKeyVault.SignDigest"/>
/// receives nothing else.
/// </summary>
public sealed class SoftwareKeyVault : IKeyVault
{
    private const byte Version = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int HeaderSize = 1 + NonceSize + TagSize + 2;
    private const string RsaOid = "1.2.840.113549.1.1.1";
    private const string EcPublicKeyOid = "1.2.840.10045.2.1";

    private readonly byte[] _kek;

    private SoftwareKeyVault(byte[] kek) => _kek = kek;

    /// <summary>Opens the vault of <paramref name="dataDir"/>, creating its key-encryption key on first use.</summary>
    /// <exception cref="InvalidOperationException">The KEK file is accessible to group or others, or damaged.</exception>
    public static SoftwareKeyVault Open(string dataDir) => new(KeyEncryptionKey.LoadOrCreate(dataDir));

    public string Kind => "software";

    public VaultKey Generate(KeyAlgorithm algorithm)
    {
        using AsymmetricAlgorithm key = algorithm switch
        {
            KeyAlgorithm.Rsa2048 => RSA.Create(2048),
            KeyAlgorithm.Rsa3072 => RSA.Create(3072),
            KeyAlgorithm.Rsa4096 => RSA.Create(4096),
            KeyAlgorithm.EcP256 => ECDsa.Create(ECCurve.NamedCurves.nistP256),
            KeyAlgorithm.EcP384 => ECDsa.Create(ECCurve.NamedCurves.nistP384),
            _ => throw new NotSupportedException($"Key algorithm {algorithm} is not supported."),
        };
        var spki = key.ExportSubjectPublicKeyInfo();
        var pkcs8 = key.ExportPkcs8PrivateKey();
        try
        {
            return new VaultKey(Seal(pkcs8, spki), spki, algorithm);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    public byte[] SignDigest(ReadOnlySpan<byte> keyReference, SignatureScheme scheme, DigestAlgorithm digestAlgorithm, ReadOnlySpan<byte> digest)
    {
        var hash = digestAlgorithm switch
        {
            DigestAlgorithm.Sha256 => HashAlgorithmName.SHA256,
            DigestAlgorithm.Sha384 => HashAlgorithmName.SHA384,
            DigestAlgorithm.Sha512 => HashAlgorithmName.SHA512,
            _ => throw new NotSupportedException($"Digest algorithm {digestAlgorithm} is not supported."),
        };
        var keyOid = PublicKeyOid(keyReference);
        var pkcs8 = Unseal(keyReference);
        try
        {
            switch (scheme)
            {
                case SignatureScheme.RsaPkcs1V15 or SignatureScheme.RsaPss when keyOid == RsaOid:
                {
                    using var rsa = RSA.Create();
                    rsa.ImportPkcs8PrivateKey(pkcs8, out _);
                    // .NET's PSS uses MGF1 with the same hash and a salt as long as the hash, as the contract requires.
                    var padding = scheme == SignatureScheme.RsaPss ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
                    return rsa.SignHash(digest.ToArray(), hash, padding);
                }
                case SignatureScheme.Ecdsa when keyOid == EcPublicKeyOid:
                {
                    using var ecdsa = ECDsa.Create();
                    ecdsa.ImportPkcs8PrivateKey(pkcs8, out _);
                    return ecdsa.SignHash(digest.ToArray(), DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
                }
                default:
                    throw new NotSupportedException($"Signature scheme {scheme} does not fit this key.");
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    private byte[] Seal(ReadOnlySpan<byte> pkcs8, ReadOnlySpan<byte> spki)
    {
        var sealedKey = new byte[HeaderSize + spki.Length + pkcs8.Length];
        sealedKey[0] = Version;
        var nonce = sealedKey.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        BinaryPrimitives.WriteUInt16BigEndian(sealedKey.AsSpan(HeaderSize - 2), checked((ushort)spki.Length));
        spki.CopyTo(sealedKey.AsSpan(HeaderSize));
        using var aes = new AesGcm(_kek, TagSize);
        aes.Encrypt(
            nonce,
            pkcs8,
            sealedKey.AsSpan(HeaderSize + spki.Length),
            sealedKey.AsSpan(1 + NonceSize, TagSize),
            AssociatedData(sealedKey));
        return sealedKey;
    }

    /// <exception cref="CryptographicException">The reference is malformed, tampered with, or sealed under another KEK.</exception>
    private byte[] Unseal(ReadOnlySpan<byte> sealedKey)
    {
        var spkiLength = SpkiLength(sealedKey);
        var ciphertext = sealedKey[(HeaderSize + spkiLength)..];
        var pkcs8 = new byte[ciphertext.Length];
        using var aes = new AesGcm(_kek, TagSize);
        try
        {
            aes.Decrypt(sealedKey.Slice(1, NonceSize), ciphertext, sealedKey.Slice(1 + NonceSize, TagSize), pkcs8, AssociatedData(sealedKey));
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new CryptographicException("The key reference was altered or sealed under another key-encryption key.", e);
        }
        return pkcs8;
    }

    private static ReadOnlySpan<byte> AssociatedData(ReadOnlySpan<byte> sealedKey)
    {
        // version || spki, without the nonce and tag between them: copy into one contiguous buffer.
        var spki = sealedKey.Slice(HeaderSize, SpkiLength(sealedKey));
        var associatedData = new byte[1 + spki.Length];
        associatedData[0] = sealedKey[0];
        spki.CopyTo(associatedData.AsSpan(1));
        return associatedData;
    }

    private static string? PublicKeyOid(ReadOnlySpan<byte> sealedKey)
    {
        var spki = sealedKey.Slice(HeaderSize, SpkiLength(sealedKey));
        return PublicKey.CreateFromSubjectPublicKeyInfo(spki, out _).Oid.Value;
    }

    private static int SpkiLength(ReadOnlySpan<byte> sealedKey)
    {
        if (sealedKey.Length < HeaderSize || sealedKey[0] != Version)
        {
            throw new CryptographicException("The key reference is not a software vault key of a known version.");
        }
        var spkiLength = BinaryPrimitives.ReadUInt16BigEndian(sealedKey[(HeaderSize - 2)..]);
        if (sealedKey.Length <= HeaderSize + spkiLength)
        {
            throw new CryptographicException("The key reference is truncated.");
        }
        return spkiLength;
    }
}
