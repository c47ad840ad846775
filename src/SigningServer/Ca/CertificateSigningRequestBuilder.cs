using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CodeSigning.Server.Keys;
using CodeSigning.V1;

namespace CodeSigning.Server.Ca;

/// <summary>The PKCS#10 request an administrator sends to an external CA for a Signer's key.</summary>
public static class CertificateSigningRequestBuilder
{

    /// <summary>A PEM CSR signed by the vault key, asking for a code-signing certificate (EKU codeSigning, KU digitalSignature).</summary>
    /// <exception cref="ArgumentException">The subject name is not a distinguished name.</exception>
    public static string CreatePem(IKeyVault vault, byte[] keyReference, byte[] publicKeySpki, KeyAlgorithm algorithm, string subjectName)
    {
        var generator = new VaultSignatureGenerator(vault, keyReference, publicKeySpki, algorithm);
        // SHA-384 and SHA-512 match P-384's and P-521's strength; SHA-256 is what every CA accepts for the others.
        var hash = algorithm switch
        {
            KeyAlgorithm.EcP384 => HashAlgorithmName.SHA384,
            KeyAlgorithm.EcP521 => HashAlgorithmName.SHA512,
            _ => HashAlgorithmName.SHA256,
        };
        var request = new CertificateRequest(SubjectName.Parse(subjectName), generator.PublicKey, hash);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(Oids.CodeSigning)], false));
        return request.CreateSigningRequestPem(generator);
    }
}
