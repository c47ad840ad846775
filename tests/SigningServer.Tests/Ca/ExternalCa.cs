using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CodeSigning.Server.Tests.Ca;

/// <summary>A CA outside the server, as an administrator's company CA would be: keys held by the test.</summary>
public sealed class ExternalCa : IDisposable
{
    private readonly AsymmetricAlgorithm _key;

    private ExternalCa(string name, AsymmetricAlgorithm key, X509Certificate2 certificate)
    {
        Name = new X500DistinguishedName(name);
        _key = key;
        Certificate = certificate;
    }

    public X500DistinguishedName Name { get; }

    public X509Certificate2 Certificate { get; }

    public static ExternalCa CreateRoot(string name, AsymmetricAlgorithm key, DateTimeOffset now)
    {
        var distinguishedName = new X500DistinguishedName(name);
        var generator = Generator(key);
        var request = new CertificateRequest(distinguishedName, generator.PublicKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        var certificate = request.Create(distinguishedName, generator, now.AddDays(-1), now.AddYears(5), [1]);
        return new ExternalCa(name, key, certificate);
    }

    public ExternalCa CreateIntermediate(string name, AsymmetricAlgorithm key, DateTimeOffset now)
    {
        var extensions = new X509Extension[] { new X509BasicConstraintsExtension(true, false, 0, true), new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true) };
        var certificate = Issue(Generator(key).PublicKey, name, now.AddDays(-1), now.AddYears(3), extensions);
        return new ExternalCa(name, key, certificate);
    }

    public X509Certificate2 IssueCodeSigning(byte[] spki, string name, DateTimeOffset notBefore, DateTimeOffset notAfter) =>
        Issue(PublicKey.CreateFromSubjectPublicKeyInfo(spki, out _), name, notBefore, notAfter,
            [new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true), new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.3")], false)]);

    public X509Certificate2 Issue(PublicKey subjectKey, string name, DateTimeOffset notBefore, DateTimeOffset notAfter, IEnumerable<X509Extension> extensions, RSASignaturePadding? padding = null)
    {
        var request = new CertificateRequest(new X500DistinguishedName(name), subjectKey, HashAlgorithmName.SHA256);
        foreach (var extension in extensions)
        {
            request.CertificateExtensions.Add(extension);
        }
        return request.Create(Name, Generator(_key, padding), notBefore, notAfter, RandomNumberGenerator.GetBytes(8));
    }

    private static X509SignatureGenerator Generator(AsymmetricAlgorithm key, RSASignaturePadding? padding = null) => key switch
    {
        RSA rsa => X509SignatureGenerator.CreateForRSA(rsa, padding ?? RSASignaturePadding.Pkcs1),
        ECDsa ecdsa => X509SignatureGenerator.CreateForECDsa(ecdsa),
        _ => throw new NotSupportedException(),
    };

    public void Dispose()
    {
        Certificate.Dispose();
        _key.Dispose();
    }
}
