using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CodeSigning.V1;
using Google.Protobuf;

namespace CodeSigning.Pkcs11.Tests.Fakes;

/// <summary>A Signer of the fake server: a real key and a real two-certificate chain (root, leaf).</summary>
public sealed class FakeSigner
{
    public FakeSigner(string name, AsymmetricAlgorithm key, KeyAlgorithm algorithm)
    {
        Id = Guid.NewGuid().ToString();
        Name = name;
        Key = key;
        Algorithm = algorithm;
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootRequest = new CertificateRequest($"CN={name} Root CA", rootKey, HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var root = rootRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var leafRequest = key is RSA rsa
            ? new CertificateRequest($"CN={name}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest($"CN={name}", (ECDsa)key, HashAlgorithmName.SHA256);
        leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.3")], false));
        using var leaf = leafRequest.Create(root.SubjectName, X509SignatureGenerator.CreateForECDsa(rootKey), DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddMonths(6), [1, 2, 3, 4, 5, 6, 7, 8]);
        Chain = [leaf.RawData, root.RawData];
        PublicKey = key is RSA r ? r.ExportSubjectPublicKeyInfo() : ((ECDsa)key).ExportSubjectPublicKeyInfo();
    }

    public string Id { get; }

    public string Name { get; }

    public AsymmetricAlgorithm Key { get; }

    public KeyAlgorithm Algorithm { get; }

    public byte[] PublicKey { get; }

    public byte[][] Chain { get; }

    public bool Enabled { get; set; } = true;

    public bool ApprovalRequired { get; set; }

    /// <summary>API keys of the members, and the role each has.</summary>
    public Dictionary<string, Role> Members { get; } = [];

    /// <summary>Unused grant units per API key.</summary>
    public Dictionary<string, int> Grants { get; } = [];

    public Signer ToMessage(Role role) => new()
    {
        Id = Id,
        Name = Name,
        KeyAlgorithm = Algorithm,
        Enabled = Enabled,
        PublicKey = ByteString.CopyFrom(PublicKey),
        CertificateChain = { Chain.Select(ByteString.CopyFrom) },
        CallerRole = role,
        ApprovalRequired = ApprovalRequired,
    };

    public byte[] Sign(SignatureScheme scheme, DigestAlgorithm digestAlgorithm, byte[] digest)
    {
        var hash = digestAlgorithm switch
        {
            DigestAlgorithm.Sha256 => HashAlgorithmName.SHA256,
            DigestAlgorithm.Sha384 => HashAlgorithmName.SHA384,
            DigestAlgorithm.Sha512 => HashAlgorithmName.SHA512,
            _ => throw new ArgumentException("digest"),
        };
        return Key switch
        {
            RSA rsa => rsa.SignHash(digest, hash, scheme == SignatureScheme.RsaPss ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1),
            ECDsa ec => ec.SignHash(digest),
            _ => throw new InvalidOperationException(),
        };
    }
}
