using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CodeSigning.Pkcs11.Objects;
using CodeSigning.Pkcs11.Tokens;

namespace CodeSigning.Pkcs11.Fuzz;

/// <summary>An RSA-2048 and a P-256 token, built once per process as the module builds them from a Signer.</summary>
internal static class Tokens
{
    public static Token Rsa { get; } = Create(1, "fuzz-rsa", RSA.Create(2048), key => new CertificateRequest("CN=fuzz-rsa", (RSA)key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    public static Token Ec { get; } = Create(2, "fuzz-p256", ECDsa.Create(ECCurve.NamedCurves.nistP256), key => new CertificateRequest("CN=fuzz-p256", (ECDsa)key, HashAlgorithmName.SHA256));

    private static Token Create(ulong slot, string name, AsymmetricAlgorithm key, Func<AsymmetricAlgorithm, CertificateRequest> request)
    {
        using var certificate = request(key).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var snapshot = new SignerSnapshot(name + "-id", name, SignerKey.Parse(key.ExportSubjectPublicKeyInfo()), [certificate.RawData]);
        var token = new Token(slot, snapshot.Id, loginRequired: false, new ObjectHandles());
        token.Update(snapshot);
        key.Dispose();
        return token;
    }
}
