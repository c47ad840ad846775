using System.Security.Cryptography;
using CodeSigning.V1;

namespace CodeSigning.Pkcs11.Mechanisms;

/// <summary>What is signed or verified: the scheme, the hash and the digest (never the data itself).</summary>
public sealed record SignatureInput(SignatureScheme Scheme, HashAlgorithmName Hash, byte[] Digest)
{
    public DigestAlgorithm DigestAlgorithm => Digests.ToDigestAlgorithm(Hash);
}
