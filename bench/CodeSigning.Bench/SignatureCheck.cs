using System.Security.Cryptography;

namespace CodeSigning.Bench;

/// <summary>A path's signature checked against the Signer's public key before it is timed: speed counts only for right answers.</summary>
public static class SignatureCheck
{
    public static void Verify(string path, BenchAlgorithm algorithm, byte[] subjectPublicKeyInfo, byte[] signature)
    {
        bool valid;
        if (algorithm.IsRsa)
        {
            using var rsa = RSA.Create();
            rsa.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
            valid = rsa.VerifyHash(BenchAlgorithm.Digest, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        else
        {
            using var ecdsa = ECDsa.Create();
            ecdsa.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
            valid = ecdsa.VerifyHash(BenchAlgorithm.Digest, signature);
        }
        if (!valid)
        {
            throw new InvalidOperationException($"{path} {algorithm.Name}: the signature does not verify with the Signer's public key");
        }
    }
}
