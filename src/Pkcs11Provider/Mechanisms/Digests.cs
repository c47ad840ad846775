using System.Security.Cryptography;
using CodeSigning.Pkcs11.Cryptoki;
using CodeSigning.V1;

namespace CodeSigning.Pkcs11.Mechanisms;

/// <summary>The digests the module sends: SHA-256, SHA-384, SHA-512, as hash names, CKM/CKG values and lengths.</summary>
public static class Digests
{
    public static DigestAlgorithm ToDigestAlgorithm(HashAlgorithmName hash) =>
        hash == HashAlgorithmName.SHA256 ? DigestAlgorithm.Sha256
        : hash == HashAlgorithmName.SHA384 ? DigestAlgorithm.Sha384
        : hash == HashAlgorithmName.SHA512 ? DigestAlgorithm.Sha512
        : throw new ArgumentOutOfRangeException(nameof(hash), hash, "unsupported hash");

    public static int Length(HashAlgorithmName hash) => hash == HashAlgorithmName.SHA256 ? 32 : hash == HashAlgorithmName.SHA384 ? 48 : 64;

    /// <summary>The hash of a prehashed digest, known only by its length (CKM_ECDSA).</summary>
    public static HashAlgorithmName? ByLength(int length) => length switch
    {
        32 => HashAlgorithmName.SHA256,
        48 => HashAlgorithmName.SHA384,
        64 => HashAlgorithmName.SHA512,
        _ => null,
    };

    /// <summary>CK_RSA_PKCS_PSS_PARAMS.hashAlg to a hash.</summary>
    public static HashAlgorithmName? FromCkm(ulong hashAlg) => hashAlg switch
    {
        CKM.CKM_SHA256 => HashAlgorithmName.SHA256,
        CKM.CKM_SHA384 => HashAlgorithmName.SHA384,
        CKM.CKM_SHA512 => HashAlgorithmName.SHA512,
        _ => null,
    };

    /// <summary>The CKG_MGF1_* that goes with a hash: the server uses MGF1 over the same hash.</summary>
    public static ulong Mgf1(HashAlgorithmName hash) =>
        hash == HashAlgorithmName.SHA256 ? CKG.CKG_MGF1_SHA256 : hash == HashAlgorithmName.SHA384 ? CKG.CKG_MGF1_SHA384 : CKG.CKG_MGF1_SHA512;
}
