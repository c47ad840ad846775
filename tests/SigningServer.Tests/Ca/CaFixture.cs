using System.Security.Cryptography.X509Certificates;
using CodeSigning.Server.Ca;
using CodeSigning.Server.Keys;
using CodeSigning.Server.Tests.Keys;
using CodeSigning.V1;

namespace CodeSigning.Server.Tests.Ca;

/// <summary>One internal CA and one Signer key, shared by the CA tests.</summary>
public sealed class CaFixture : IDisposable
{
    private readonly TempDirectory _directory = new();

    public CaFixture()
    {
        Vault = SoftwareKeyVault.Open(_directory.Path);
        Material = InternalCertificateAuthority.CreateMaterial(Vault, Now);
        SignerKey = Vault.Generate(KeyAlgorithm.EcP256, "test");
        Root = X509CertificateLoader.LoadCertificate(Material.RootCertificate);
        Issuing = X509CertificateLoader.LoadCertificate(Material.IssuingCertificate);
    }

    /// <summary>Whole seconds: X.509 times carry no fractions.</summary>
    public DateTimeOffset Now { get; } = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    public SoftwareKeyVault Vault { get; }

    public CaMaterial Material { get; }

    public VaultKey SignerKey { get; }

    public X509Certificate2 Root { get; }

    public X509Certificate2 Issuing { get; }

    public string Directory => _directory.Path;

    public void Dispose()
    {
        Root.Dispose();
        Issuing.Dispose();
        _directory.Dispose();
    }
}
