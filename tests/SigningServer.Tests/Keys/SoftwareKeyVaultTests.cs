using System.Buffers.Binary;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using CodeSigning.Server.Keys;
using CodeSigning.V1;

namespace CodeSigning.Server.Tests.Keys;

public sealed class SoftwareKeyVaultTests(VaultFixture fixture) : IClassFixture<VaultFixture>
{
    public static TheoryData<KeyAlgorithm, SignatureScheme, DigestAlgorithm> RsaCases()
    {
        var cases = new TheoryData<KeyAlgorithm, SignatureScheme, DigestAlgorithm>();
        foreach (var algorithm in new[] { KeyAlgorithm.Rsa2048, KeyAlgorithm.Rsa3072, KeyAlgorithm.Rsa4096 })
        {
            foreach (var scheme in new[] { SignatureScheme.RsaPkcs1V15, SignatureScheme.RsaPss })
            {
                foreach (var digest in new[] { DigestAlgorithm.Sha256, DigestAlgorithm.Sha384, DigestAlgorithm.Sha512 })
                {
                    cases.Add(algorithm, scheme, digest);
                }
            }
        }
        return cases;
    }

    [Theory]
    [MemberData(nameof(RsaCases))]
    public void Rsa_signature_verifies_with_the_public_key(KeyAlgorithm algorithm, SignatureScheme scheme, DigestAlgorithm digestAlgorithm)
    {
        var key = fixture.Key(algorithm);
        var hash = HashName(digestAlgorithm);
        var digest = CryptographicOperations.HashData(hash, "payload"u8);

        var signature = fixture.Vault.SignDigest(key.KeyReference, scheme, digestAlgorithm, digest);

        using var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(key.PublicKey, out _);
        Assert.Equal(algorithm switch { KeyAlgorithm.Rsa2048 => 2048, KeyAlgorithm.Rsa3072 => 3072, _ => 4096 }, rsa.KeySize);
        var padding = scheme == SignatureScheme.RsaPss ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
        Assert.True(rsa.VerifyHash(digest, signature, hash, padding));
        Assert.False(rsa.VerifyHash(CryptographicOperations.HashData(hash, "other"u8), signature, hash, padding));
    }

    [Theory]
    [InlineData(KeyAlgorithm.EcP256, DigestAlgorithm.Sha256, 64)]
    [InlineData(KeyAlgorithm.EcP256, DigestAlgorithm.Sha512, 64)]
    [InlineData(KeyAlgorithm.EcP384, DigestAlgorithm.Sha384, 96)]
    [InlineData(KeyAlgorithm.EcP384, DigestAlgorithm.Sha256, 96)]
    public void Ecdsa_signature_is_P1363_and_verifies(KeyAlgorithm algorithm, DigestAlgorithm digestAlgorithm, int signatureLength)
    {
        var key = fixture.Key(algorithm);
        var digest = CryptographicOperations.HashData(HashName(digestAlgorithm), "payload"u8);

        var signature = fixture.Vault.SignDigest(key.KeyReference, SignatureScheme.Ecdsa, digestAlgorithm, digest);

        Assert.Equal(signatureLength, signature.Length);
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(key.PublicKey, out _);
        Assert.True(ecdsa.VerifyHash(digest, signature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    [Theory]
    [InlineData(KeyAlgorithm.EcP256, SignatureScheme.RsaPkcs1V15, DigestAlgorithm.Sha256)]
    [InlineData(KeyAlgorithm.EcP256, SignatureScheme.RsaPss, DigestAlgorithm.Sha256)]
    [InlineData(KeyAlgorithm.Rsa2048, SignatureScheme.Ecdsa, DigestAlgorithm.Sha256)]
    [InlineData(KeyAlgorithm.Rsa2048, SignatureScheme.Unspecified, DigestAlgorithm.Sha256)]
    [InlineData(KeyAlgorithm.Rsa2048, SignatureScheme.RsaPkcs1V15, DigestAlgorithm.Sha1)]
    [InlineData(KeyAlgorithm.EcP256, SignatureScheme.Ecdsa, DigestAlgorithm.Sha224)]
    public void Unsupported_combination_is_refused(KeyAlgorithm algorithm, SignatureScheme scheme, DigestAlgorithm digestAlgorithm)
    {
        var key = fixture.Key(algorithm);
        Assert.Throws<NotSupportedException>(() => fixture.Vault.SignDigest(key.KeyReference, scheme, digestAlgorithm, new byte[32]));
    }

    [Fact]
    public void Unknown_key_algorithm_is_refused()
    {
        Assert.Throws<NotSupportedException>(() => fixture.Vault.Generate(KeyAlgorithm.Unspecified, "test"));
    }

    [Fact]
    [UnsupportedOSPlatform("windows")] // file modes are a Unix concept
    public void KeyEncryptionKeyIsCreatedOwnerOnly()
    {
        using var directory = new TempDirectory();
        var dataDir = Path.Combine(directory.Path, "data");

        SoftwareKeyVault.Open(dataDir);

        var kek = Path.Combine(dataDir, "vault.kek");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(kek));
        Assert.Equal(32, new FileInfo(kek).Length);
        Assert.Equal(["vault.kek"], Directory.GetFiles(dataDir).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData(UnixFileMode.GroupRead)]
    [InlineData(UnixFileMode.OtherRead)]
    [InlineData(UnixFileMode.GroupWrite)]
    [UnsupportedOSPlatform("windows")] // file modes are a Unix concept
    public void KeyEncryptionKeyAccessibleToOthersIsRefused(UnixFileMode extra)
    {
        using var directory = new TempDirectory();
        SoftwareKeyVault.Open(directory.Path);
        var kek = Path.Combine(directory.Path, "vault.kek");
        var before = File.ReadAllBytes(kek);
        File.SetUnixFileMode(kek, UnixFileMode.UserRead | UnixFileMode.UserWrite | extra);

        var error = Assert.Throws<InvalidOperationException>(() => SoftwareKeyVault.Open(directory.Path));

        Assert.Contains(kek, error.Message, StringComparison.Ordinal);
        Assert.Contains("chmod 600", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(kek));
    }

    [Fact]
    [UnsupportedOSPlatform("windows")] // file modes are a Unix concept
    public void KeyEncryptionKeyOfWrongLengthIsRefused()
    {
        using var directory = new TempDirectory();
        var kek = Path.Combine(directory.Path, "vault.kek");
        File.WriteAllBytes(kek, new byte[31]);
        File.SetUnixFileMode(kek, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var error = Assert.Throws<InvalidOperationException>(() => SoftwareKeyVault.Open(directory.Path));

        Assert.Contains(kek, error.Message, StringComparison.Ordinal);
        Assert.Equal(31, new FileInfo(kek).Length);
    }

    [Fact]
    public void Reopened_vault_uses_the_same_key_encryption_key()
    {
        var key = fixture.Key(KeyAlgorithm.EcP256);
        var kekBefore = File.ReadAllBytes(Path.Combine(fixture.DataDir, "vault.kek"));
        var digest = SHA256.HashData("payload"u8);

        var reopened = SoftwareKeyVault.Open(fixture.DataDir);
        var signature = reopened.SignDigest(key.KeyReference, SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, digest);

        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(key.PublicKey, out _);
        Assert.True(ecdsa.VerifyHash(digest, signature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        Assert.Equal(kekBefore, File.ReadAllBytes(Path.Combine(fixture.DataDir, "vault.kek")));
    }

    [Fact]
    public void Vaults_opened_concurrently_on_a_fresh_directory_share_one_kek()
    {
        using var directory = new TempDirectory();

        var vaults = Enumerable.Range(0, 8).AsParallel().Select(_ => SoftwareKeyVault.Open(directory.Path)).ToList();

        var key = vaults[0].Generate(KeyAlgorithm.EcP256, "test");
        var digest = SHA256.HashData("payload"u8);
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(key.PublicKey, out _);
        Assert.All(vaults, vault => Assert.True(ecdsa.VerifyHash(digest, vault.SignDigest(key.KeyReference, SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, digest), DSASignatureFormat.IeeeP1363FixedFieldConcatenation)));
        Assert.Equal(["vault.kek"], Directory.GetFiles(directory.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Key_of_another_vault_is_refused()
    {
        using var directory = new TempDirectory();
        var other = SoftwareKeyVault.Open(directory.Path);
        var key = fixture.Key(KeyAlgorithm.EcP256);

        Assert.Throws<CryptographicException>(() => other.SignDigest(key.KeyReference, SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, new byte[32]));
    }

    [Theory]
    [InlineData(0)] // version
    [InlineData(4)] // KEK id
    [InlineData(5)] // nonce
    [InlineData(17)] // tag
    [InlineData(34)] // SPKI length
    [InlineData(44)] // SPKI
    [InlineData(-1)] // ciphertext
    public void TamperedKeyReferenceIsRefused(int position)
    {
        var reference = (byte[])fixture.Key(KeyAlgorithm.EcP256).KeyReference.Clone();
        reference[position < 0 ? reference.Length + position : position] ^= 0x01;

        Assert.ThrowsAny<CryptographicException>(() => fixture.Vault.SignDigest(reference, SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, new byte[32]));
    }

    [Fact]
    public void Truncated_key_reference_is_refused()
    {
        var reference = fixture.Key(KeyAlgorithm.EcP256).KeyReference;
        foreach (var length in new[] { 0, 1, 5, 34, 35, reference.Length - 1 })
        {
            Assert.ThrowsAny<CryptographicException>(() => fixture.Vault.SignDigest(reference.AsSpan(0, length), SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, new byte[32]));
        }
    }

    [Fact]
    public void Key_reference_relabelled_with_another_public_key_is_refused()
    {
        var victim = fixture.Key(KeyAlgorithm.EcP256);
        var other = fixture.Key(KeyAlgorithm.EcP384);
        var (nonceAndTag, ciphertext) = Split(victim.KeyReference);
        var relabelled = Assemble(victim.KeyReference[..5], nonceAndTag, other.PublicKey, ciphertext);

        Assert.ThrowsAny<CryptographicException>(() => fixture.Vault.SignDigest(relabelled, SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, new byte[32]));
    }

    [Fact]
    public void Key_reference_holds_the_private_key_only_encrypted()
    {
        var key = fixture.Key(KeyAlgorithm.EcP256);
        var (nonceAndTag, ciphertext) = Split(key.KeyReference);

        // Open the reference as the documented format says, with the KEK file, to get the plaintext.
        var kek = File.ReadAllBytes(Path.Combine(fixture.DataDir, "vault.kek"));
        var associatedData = key.KeyReference[..5].Concat(key.PublicKey).ToArray();
        var pkcs8 = new byte[ciphertext.Length];
        using (var aes = new AesGcm(kek, 16))
        {
            aes.Decrypt(nonceAndTag[..12], ciphertext, nonceAndTag[12..], pkcs8, associatedData);
        }
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportPkcs8PrivateKey(pkcs8, out _);
        var privateScalar = ecdsa.ExportParameters(includePrivateParameters: true).D!;

        Assert.Equal(key.PublicKey, ecdsa.ExportSubjectPublicKeyInfo());
        Assert.Equal(-1, key.KeyReference.AsSpan().IndexOf(pkcs8));
        Assert.Equal(-1, key.KeyReference.AsSpan().IndexOf(privateScalar));
    }

    [Fact]
    public void A_version_1_reference_of_an_older_data_directory_still_signs_and_rewraps()
    {
        // What servers before key rings stored: version 1, no KEK id, sealed under the plain vault.kek.
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var spki = ecdsa.ExportSubjectPublicKeyInfo();
        var pkcs8 = ecdsa.ExportPkcs8PrivateKey();
        var nonce = RandomNumberGenerator.GetBytes(12);
        var ciphertext = new byte[pkcs8.Length];
        var tag = new byte[16];
        using (var aes = new AesGcm(File.ReadAllBytes(Path.Combine(fixture.DataDir, "vault.kek")), 16))
        {
            aes.Encrypt(nonce, pkcs8, ciphertext, tag, (byte[])[1, .. spki]);
        }
        var legacy = Assemble([1], [.. nonce, .. tag], spki, ciphertext);
        var digest = SHA256.HashData("legacy"u8);

        var signature = fixture.Vault.SignDigest(legacy, SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, digest);
        var rewrapped = fixture.Vault.Rewrap(legacy);

        Assert.True(ecdsa.VerifyHash(digest, signature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        Assert.Equal(0u, SoftwareKeyVault.KeyEncryptionKeyIdOf(legacy));
        Assert.Equal(2, rewrapped[0]);
        Assert.True(ecdsa.VerifyHash(digest, fixture.Vault.SignDigest(rewrapped, SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, digest), DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    private static (byte[] NonceAndTag, byte[] Ciphertext) Split(byte[] reference)
    {
        var spkiLength = BinaryPrimitives.ReadUInt16BigEndian(reference.AsSpan(33));
        return (reference[5..33], reference[(35 + spkiLength)..]);
    }

    /// <param name="prefix">version || KEK id (version 2), or the version alone (version 1).</param>
    private static byte[] Assemble(byte[] prefix, byte[] nonceAndTag, byte[] spki, byte[] ciphertext)
    {
        var length = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)spki.Length);
        return [.. prefix, .. nonceAndTag, .. length, .. spki, .. ciphertext];
    }

    private static HashAlgorithmName HashName(DigestAlgorithm digestAlgorithm) => digestAlgorithm switch
    {
        DigestAlgorithm.Sha256 => HashAlgorithmName.SHA256,
        DigestAlgorithm.Sha384 => HashAlgorithmName.SHA384,
        _ => HashAlgorithmName.SHA512,
    };
}
