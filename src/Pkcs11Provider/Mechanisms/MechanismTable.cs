using System.Security.Cryptography;
using CodeSigning.Pkcs11.Cryptoki;
using CodeSigning.V1;

namespace CodeSigning.Pkcs11.Mechanisms;

/// <summary>The mechanisms of docs/pkcs11.md, exactly what the server can sign (RSA 2048-4096, P-256, P-384, P-521).</summary>
public static class MechanismTable
{
    private const ulong Rsa = CKF.CKF_SIGN | CKF.CKF_VERIFY;
    private const ulong Ec = CKF.CKF_SIGN | CKF.CKF_VERIFY | CKF.CKF_EC_F_P | CKF.CKF_EC_NAMEDCURVE | CKF.CKF_EC_UNCOMPRESS;

    public static IReadOnlyList<Mechanism> All { get; } =
    [
        new(CKM.CKM_RSA_PKCS, CKK.CKK_RSA, SignatureScheme.RsaPkcs1V15, null, Rsa, 2048, 4096),
        new(CKM.CKM_SHA256_RSA_PKCS, CKK.CKK_RSA, SignatureScheme.RsaPkcs1V15, HashAlgorithmName.SHA256, Rsa, 2048, 4096),
        new(CKM.CKM_SHA384_RSA_PKCS, CKK.CKK_RSA, SignatureScheme.RsaPkcs1V15, HashAlgorithmName.SHA384, Rsa, 2048, 4096),
        new(CKM.CKM_SHA512_RSA_PKCS, CKK.CKK_RSA, SignatureScheme.RsaPkcs1V15, HashAlgorithmName.SHA512, Rsa, 2048, 4096),
        new(CKM.CKM_RSA_PKCS_PSS, CKK.CKK_RSA, SignatureScheme.RsaPss, null, Rsa, 2048, 4096),
        new(CKM.CKM_SHA256_RSA_PKCS_PSS, CKK.CKK_RSA, SignatureScheme.RsaPss, HashAlgorithmName.SHA256, Rsa, 2048, 4096),
        new(CKM.CKM_SHA384_RSA_PKCS_PSS, CKK.CKK_RSA, SignatureScheme.RsaPss, HashAlgorithmName.SHA384, Rsa, 2048, 4096),
        new(CKM.CKM_SHA512_RSA_PKCS_PSS, CKK.CKK_RSA, SignatureScheme.RsaPss, HashAlgorithmName.SHA512, Rsa, 2048, 4096),
        new(CKM.CKM_ECDSA, CKK.CKK_EC, SignatureScheme.Ecdsa, null, Ec, 256, 521),
        new(CKM.CKM_ECDSA_SHA256, CKK.CKK_EC, SignatureScheme.Ecdsa, HashAlgorithmName.SHA256, Ec, 256, 521),
        new(CKM.CKM_ECDSA_SHA384, CKK.CKK_EC, SignatureScheme.Ecdsa, HashAlgorithmName.SHA384, Ec, 256, 521),
        new(CKM.CKM_ECDSA_SHA512, CKK.CKK_EC, SignatureScheme.Ecdsa, HashAlgorithmName.SHA512, Ec, 256, 521),
    ];

    public static Mechanism Get(ulong type) =>
        All.FirstOrDefault(m => m.Type == type)
        ?? throw new Pkcs11Exception(CKR.CKR_MECHANISM_INVALID, $"mechanism 0x{type:X} is not supported");
}
