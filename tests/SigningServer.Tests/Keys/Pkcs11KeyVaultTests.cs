using System.Security.Cryptography;
using CodeSigning.Server.Keys;
using CodeSigning.Tests.Shared;
using CodeSigning.V1;

namespace CodeSigning.Server.Tests.Keys;

/// <summary>The HSM vault in this process against a fresh SoftHSM2 token: keys, every scheme, parallel signing (startup errors: HsmVaultTests, on the published server).</summary>
public sealed class Pkcs11KeyVaultTests : IClassFixture<Pkcs11KeyVaultTests.Fixture>
{
    private readonly Fixture _fixture;

    public Pkcs11KeyVaultTests(Fixture fixture) => this._fixture = fixture;

    public sealed class Fixture : IDisposable
    {
        public Fixture()
        {
            Token.UseInThisProcess();
            Vault = Pkcs11KeyVault.Open(Options());
            Rsa = Vault.Generate(KeyAlgorithm.Rsa2048, "unit rsa");
            P256 = Vault.Generate(KeyAlgorithm.EcP256, "unit p256");
            P384 = Vault.Generate(KeyAlgorithm.EcP384, "unit p384");
        }

        public SoftHsmToken Token { get; } = new();
        public Pkcs11KeyVault Vault { get; }
        public VaultKey Rsa { get; }
        public VaultKey P256 { get; }
        public VaultKey P384 { get; }

        // One vault per process, as in the server: a second C_Initialize / C_Finalize of the module would disturb the first.
        public static Pkcs11VaultOptions Options() => new(SoftHsmToken.ModulePath, SoftHsmToken.Label, SoftHsmToken.UserPin);

        public void Dispose()
        {
            Vault.Dispose();
            Token.Dispose();
        }
    }

    public static TheoryData<string, SignatureScheme, DigestAlgorithm> Schemes => new()
    {
        { "rsa", SignatureScheme.RsaPkcs1V15, DigestAlgorithm.Sha256 },
        { "rsa", SignatureScheme.RsaPkcs1V15, DigestAlgorithm.Sha512 },
        { "rsa", SignatureScheme.RsaPss, DigestAlgorithm.Sha256 },
        { "rsa", SignatureScheme.RsaPss, DigestAlgorithm.Sha384 },
        { "p256", SignatureScheme.Ecdsa, DigestAlgorithm.Sha256 },
        { "p384", SignatureScheme.Ecdsa, DigestAlgorithm.Sha384 },
    };

    [Theory]
    [MemberData(nameof(Schemes))]
    public void Every_scheme_signs_in_the_token_and_verifies_with_the_public_key(string key, SignatureScheme scheme, DigestAlgorithm digestAlgorithm)
    {
        var vaultKey = key switch { "rsa" => _fixture.Rsa, "p256" => _fixture.P256, _ => _fixture.P384 };
        var hash = digestAlgorithm switch { DigestAlgorithm.Sha256 => HashAlgorithmName.SHA256, DigestAlgorithm.Sha384 => HashAlgorithmName.SHA384, _ => HashAlgorithmName.SHA512 };
        var digest = CryptographicOperations.HashData(hash, "payload"u8);

        var signature = _fixture.Vault.SignDigest(vaultKey.KeyReference, scheme, digestAlgorithm, digest);

        Assert.True(Verifies(vaultKey, scheme, hash, digest, signature));
    }

    [Fact]
    public void The_reference_names_the_token_object_and_holds_no_key_material()
    {
        Assert.Equal(1 + Pkcs11KeyReference.IdLength, _fixture.Rsa.KeyReference.Length);
        Assert.NotEqual(_fixture.Rsa.KeyReference, _fixture.P256.KeyReference);
    }

    [Fact]
    public void Parallel_signatures_share_one_login_and_all_verify()
    {
        var digest = SHA256.HashData("parallel"u8);

        var signatures = Enumerable.Range(0, 32).AsParallel().WithDegreeOfParallelism(8)
            .Select(_ => _fixture.Vault.SignDigest(_fixture.P256.KeyReference, SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, digest)).ToList();

        Assert.All(signatures, s => Assert.True(Verifies(_fixture.P256, SignatureScheme.Ecdsa, HashAlgorithmName.SHA256, digest, s)));
    }

    [Fact]
    public void A_reference_to_no_token_object_fails_and_signs_nothing()
    {
        var unknown = Pkcs11KeyReference.Create(Pkcs11KeyReference.NewId());

        var error = Assert.Throws<CryptographicException>(() => _fixture.Vault.SignDigest(unknown, SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, new byte[32]));

        Assert.Contains("holds 0 private keys", error.Message, StringComparison.Ordinal);
        Assert.Throws<CryptographicException>(() => _fixture.Vault.SignDigest(_fixture.Rsa.KeyReference[..5], SignatureScheme.RsaPss, DigestAlgorithm.Sha256, new byte[32]));
    }

    [Fact]
    public void A_discarded_key_is_gone_from_the_token()
    {
        var key = _fixture.Vault.Generate(KeyAlgorithm.EcP256, "unit discarded");
        _ = _fixture.Vault.SignDigest(key.KeyReference, SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, new byte[32]);

        _fixture.Vault.Discard(key.KeyReference);

        var error = Assert.Throws<CryptographicException>(() => _fixture.Vault.SignDigest(key.KeyReference, SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, new byte[32]));
        Assert.Contains("holds 0 private keys", error.Message, StringComparison.Ordinal);
    }

    private static bool Verifies(VaultKey key, SignatureScheme scheme, HashAlgorithmName hash, byte[] digest, byte[] signature)
    {
        if (scheme == SignatureScheme.Ecdsa)
        {
            using var ecdsa = ECDsa.Create();
            ecdsa.ImportSubjectPublicKeyInfo(key.PublicKey, out _);
            return ecdsa.VerifyHash(digest, signature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        using var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(key.PublicKey, out _);
        return rsa.VerifyHash(digest, signature, hash, scheme == SignatureScheme.RsaPss ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1);
    }
}
