using System.Buffers.Binary;
using System.Collections.Frozen;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CodeSigning.V1;

namespace CodeSigning.Server.Keys;

/// <summary>
/// Keys generated (or imported) and used in the server process, stored as PKCS#8 sealed with
/// AES-256-GCM under a key-encryption key (KEK) of the data directory's ring. The key reference is
/// <c>version(1)=2 || kekId(4, big-endian) || nonce(12) || tag(16) || spkiLength(2, big-endian) || spki || ciphertext</c>;
/// the associated data is <c>version || kekId || spki</c>, so a reference cannot be re-labelled with
/// another key's public key or KEK, and the public key travels with the reference because
/// <see cref="IKeyVault.SignDigest"/> receives nothing else. Version 1 references (no kekId, sealed
/// under the single KEK of older data directories) are read as KEK 0.
/// </summary>
public sealed class SoftwareKeyVault : IKeyVault
{
    public const string VaultKind = "software";

    private const byte LegacyVersion = 1;
    private const byte Version = 2;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const string RsaOid = "1.2.840.113549.1.1.1";
    private const string EcPublicKeyOid = "1.2.840.10045.2.1";

    private readonly string _ringPath;
    private readonly OpenedKeyCache _opened = new();
    private readonly Lock _reloadLock = new();
    // Every KEK seen since start, so a reference read just before a rekey retired its KEK still opens.
    private FrozenDictionary<uint, byte[]> _keys = FrozenDictionary<uint, byte[]>.Empty;
    private uint _activeId;
    private (DateTime Written, long Length) _ringStamp;

    private SoftwareKeyVault(string ringPath) => _ringPath = ringPath;

    /// <summary>Opens the vault of <paramref name="dataDir"/>, creating its key-encryption key ring on first use.</summary>
    /// <exception cref="InvalidOperationException">The KEK file is accessible to group or others, or damaged.</exception>
    public static SoftwareKeyVault Open(string dataDir)
    {
        _ = KeyEncryptionKeyRing.LoadOrCreate(dataDir);
        var vault = new SoftwareKeyVault(KeyEncryptionKeyRing.PathIn(dataDir));
        vault.Reload();
        return vault;
    }

    public string Kind => VaultKind;

    /// <summary>Reads the key-encryption key ring's file status (and the ring, if it changed): gone or unreadable throws.</summary>
    public void Probe() => ReloadIfChanged();

    /// <summary>The KEK new keys are sealed under.</summary>
    public uint ActiveKeyEncryptionKeyId
    {
        get
        {
            ReloadIfChanged();
            return _activeId;
        }
    }

    public VaultKey Generate(KeyAlgorithm algorithm, string label)
    {
        using AsymmetricAlgorithm key = algorithm switch
        {
            KeyAlgorithm.Rsa2048 or KeyAlgorithm.Rsa3072 or KeyAlgorithm.Rsa4096 => RSA.Create(KeyAlgorithms.RsaBits(algorithm)),
            _ when KeyAlgorithms.IsEc(algorithm) => ECDsa.Create(KeyAlgorithms.Curve(algorithm)),
            _ => throw new NotSupportedException($"Key algorithm {algorithm} is not supported."),
        };
        return Seal(key, algorithm);
    }

    /// <summary>Nothing to do: a software key exists only in its reference, which the caller drops.</summary>
    public void Discard(ReadOnlySpan<byte> keyReference)
    {
    }

    /// <summary>Seals an existing private key (a team's key file) as if it had been generated here.</summary>
    /// <param name="pkcs8">Unencrypted DER PKCS#8.</param>
    /// <exception cref="ArgumentException">Not a PKCS#8 key, or not of a supported algorithm and size; the message says which.</exception>
    public VaultKey Import(ReadOnlySpan<byte> pkcs8)
    {
        string oid;
        try
        {
            // PrivateKeyInfo ::= SEQUENCE { version INTEGER, privateKeyAlgorithm SEQUENCE { algorithm OID, ... }, ... }
            var info = new AsnReader(pkcs8.ToArray(), AsnEncodingRules.BER).ReadSequence();
            _ = info.ReadInteger();
            oid = info.ReadSequence().ReadObjectIdentifier();
        }
        catch (AsnContentException)
        {
            throw new ArgumentException("the private key is not a DER PKCS#8 private key");
        }
        using AsymmetricAlgorithm key = oid switch
        {
            RsaOid => RSA.Create(),
            EcPublicKeyOid => ECDsa.Create(),
            _ => throw new ArgumentException($"the private key's algorithm ({oid}) is not supported: use RSA 2048/3072/4096 or EC P-256/P-384/P-521"),
        };
        try
        {
            key.ImportPkcs8PrivateKey(pkcs8, out _);
        }
        catch (CryptographicException e)
        {
            throw new ArgumentException($"the private key cannot be read: {e.Message}");
        }
        var algorithm = KeyAlgorithms.Of(key)
            ?? throw new ArgumentException($"the private key ({(key is RSA ? $"RSA {key.KeySize}" : $"EC {key.KeySize}-bit curve")}) is not supported: use RSA 2048/3072/4096 or EC P-256/P-384/P-521");
        return Seal(key, algorithm);
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
        var id = OpenedKeyCache.IdOf(keyReference);
        var key = _opened.Rent(id) ?? OpenPrivateKey(keyReference);
        var signature = (scheme, key) switch
        {
            // .NET's PSS uses MGF1 with the same hash and a salt as long as the hash, as the contract requires.
            (SignatureScheme.RsaPkcs1V15, RSA rsa) => rsa.SignHash(digest, hash, RSASignaturePadding.Pkcs1),
            (SignatureScheme.RsaPss, RSA rsa) => rsa.SignHash(digest, hash, RSASignaturePadding.Pss),
            (SignatureScheme.Ecdsa, ECDsa ecdsa) => ecdsa.SignHash(digest, DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
            _ => null,
        };
        // Only a key that signed goes back: a scheme that does not fit throws below, the key stays usable.
        _opened.Return(id, key);
        return signature ?? throw new NotSupportedException($"Signature scheme {scheme} does not fit this key.");
    }

    /// <exception cref="CryptographicException">The reference is malformed, tampered with, or sealed under a KEK the ring lacks.</exception>
    private AsymmetricAlgorithm OpenPrivateKey(ReadOnlySpan<byte> keyReference)
    {
        var keyOid = PublicKey.CreateFromSubjectPublicKeyInfo(keyReference[SealedKey.Parse(keyReference).Spki], out _).Oid.Value;
        var pkcs8 = Unseal(keyReference);
        try
        {
            AsymmetricAlgorithm key = keyOid == RsaOid ? RSA.Create() : ECDsa.Create();
            key.ImportPkcs8PrivateKey(pkcs8, out _);
            return key;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    /// <summary>The same private key sealed under the active KEK (unchanged when it already is).</summary>
    /// <exception cref="CryptographicException">The reference is malformed, tampered with, or sealed under a KEK the ring lacks.</exception>
    public byte[] Rewrap(byte[] keyReference)
    {
        if (KeyEncryptionKeyIdOf(keyReference) == ActiveKeyEncryptionKeyId && keyReference[0] == Version)
        {
            return keyReference;
        }
        var spki = keyReference[SealedKey.Parse(keyReference).Spki].ToArray();
        var pkcs8 = Unseal(keyReference);
        try
        {
            return Seal(pkcs8, spki);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    /// <summary>The id of the KEK a reference is sealed under.</summary>
    /// <exception cref="CryptographicException">Not a software vault reference.</exception>
    public static uint KeyEncryptionKeyIdOf(ReadOnlySpan<byte> keyReference) => SealedKey.Parse(keyReference).KekId;

    private VaultKey Seal(AsymmetricAlgorithm key, KeyAlgorithm algorithm)
    {
        var pkcs8 = key.ExportPkcs8PrivateKey();
        try
        {
            var spki = key.ExportSubjectPublicKeyInfo();
            return new VaultKey(Seal(pkcs8, spki), spki, algorithm);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    private byte[] Seal(ReadOnlySpan<byte> pkcs8, ReadOnlySpan<byte> spki)
    {
        var kekId = ActiveKeyEncryptionKeyId;
        var layout = new SealedKey(Version, kekId, spki.Length);
        var sealedKey = new byte[layout.HeaderSize + spki.Length + pkcs8.Length];
        sealedKey[0] = Version;
        BinaryPrimitives.WriteUInt32BigEndian(sealedKey.AsSpan(1), kekId);
        RandomNumberGenerator.Fill(sealedKey.AsSpan(layout.Nonce));
        BinaryPrimitives.WriteUInt16BigEndian(sealedKey.AsSpan(layout.HeaderSize - 2), checked((ushort)spki.Length));
        spki.CopyTo(sealedKey.AsSpan(layout.HeaderSize));
        using var aes = new AesGcm(_keys[kekId], TagSize);
        aes.Encrypt(sealedKey.AsSpan(layout.Nonce), pkcs8, sealedKey.AsSpan(layout.Ciphertext), sealedKey.AsSpan(layout.Tag), layout.AssociatedData(sealedKey));
        return sealedKey;
    }

    /// <exception cref="CryptographicException">The reference is malformed, tampered with, or sealed under a KEK the ring lacks.</exception>
    private byte[] Unseal(ReadOnlySpan<byte> sealedKey)
    {
        var layout = SealedKey.Parse(sealedKey);
        if (!_keys.TryGetValue(layout.KekId, out var kek))
        {
            // A rekey (here or on another replica) sealed it under a KEK added since start.
            Reload();
            kek = _keys.GetValueOrDefault(layout.KekId)
                ?? throw new CryptographicException($"The key reference is sealed under key-encryption key {layout.KekId}, which {_ringPath} does not hold; copy vault.kek from the server that ran `rekey`.");
        }
        var ciphertext = sealedKey[layout.Ciphertext];
        var pkcs8 = new byte[ciphertext.Length];
        using var aes = new AesGcm(kek, TagSize);
        try
        {
            aes.Decrypt(sealedKey[layout.Nonce], ciphertext, sealedKey[layout.Tag], pkcs8, layout.AssociatedData(sealedKey));
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new CryptographicException("The key reference was altered or sealed under another key-encryption key.", e);
        }
        return pkcs8;
    }

    private void ReloadIfChanged()
    {
        if (Stamp() != _ringStamp)
        {
            Reload();
        }
    }

    private void Reload()
    {
        lock (_reloadLock)
        {
            // Stamped before reading: a ring replaced while it is read differs from the stamp next time.
            var stamp = Stamp();
            var ring = KeyEncryptionKeyRing.Load(_ringPath);
            var keys = new Dictionary<uint, byte[]>(_keys);
            foreach (var kek in ring.Keys)
            {
                keys[kek.Id] = kek.Key;
            }
            _keys = keys.ToFrozenDictionary();
            _activeId = ring.Active.Id;
            _ringStamp = stamp;
        }
    }

    private (DateTime Written, long Length) Stamp()
    {
        var file = new FileInfo(_ringPath);
        return (file.LastWriteTimeUtc, file.Exists ? file.Length : -1);
    }

    /// <summary>Where the parts of a sealed reference are, for both versions.</summary>
    private readonly record struct SealedKey(byte Version, uint KekId, int SpkiLength)
    {
        private int PrefixSize => Version == LegacyVersion ? 1 : 5;

        public int HeaderSize => PrefixSize + NonceSize + TagSize + 2;

        /// <exception cref="CryptographicException">Not a software vault reference of a known version, or truncated.</exception>
        public static SealedKey Parse(ReadOnlySpan<byte> sealedKey)
        {
            if (sealedKey.Length < 1 || sealedKey[0] is not (LegacyVersion or SoftwareKeyVault.Version)
                || sealedKey.Length < new SealedKey(sealedKey[0], 0, 0).HeaderSize)
            {
                throw new CryptographicException("The key reference is not a software vault key of a known version.");
            }
            var kekId = sealedKey[0] == LegacyVersion ? 0 : BinaryPrimitives.ReadUInt32BigEndian(sealedKey[1..]);
            var layout = new SealedKey(sealedKey[0], kekId, 0);
            var spkiLength = BinaryPrimitives.ReadUInt16BigEndian(sealedKey[(layout.HeaderSize - 2)..]);
            return sealedKey.Length > layout.HeaderSize + spkiLength
                ? layout with { SpkiLength = spkiLength }
                : throw new CryptographicException("The key reference is truncated.");
        }

        public Range Nonce => new(PrefixSize, PrefixSize + NonceSize);

        public Range Tag => new(PrefixSize + NonceSize, HeaderSize - 2);

        public Range Spki => new(HeaderSize, HeaderSize + SpkiLength);

        public Range Ciphertext => new(HeaderSize + SpkiLength, ^0);

        /// <summary>version [|| kekId] || spki, without the nonce and tag between them: one contiguous copy.</summary>
        public byte[] AssociatedData(ReadOnlySpan<byte> sealedKey) => [.. sealedKey[..PrefixSize], .. sealedKey[Spki]];
    }
}
