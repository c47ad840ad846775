using System.Security.Cryptography;

namespace CodeSigning.Bench;

/// <summary>A signature checked against the Signer's public key: speed counts only for right answers.</summary>
public static class SignatureCheck
{
    public static void Verify(string path, BenchAlgorithm algorithm, byte[] subjectPublicKeyInfo, byte[] signature) =>
        Verify(path, algorithm, subjectPublicKeyInfo, BenchAlgorithm.Digest, signature);

    public static void Verify(string path, BenchAlgorithm algorithm, byte[] subjectPublicKeyInfo, byte[] digest, byte[] signature)
    {
        bool valid;
        if (algorithm.IsRsa)
        {
            using var rsa = RSA.Create();
            rsa.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
            valid = rsa.VerifyHash(digest, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        else
        {
            using var ecdsa = ECDsa.Create();
            ecdsa.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
            valid = ecdsa.VerifyHash(digest, signature);
        }
        if (!valid)
        {
            throw new InvalidOperationException($"{path} {algorithm.Name}: the signature does not verify with the Signer's public key");
        }
    }
}
