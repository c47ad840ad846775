namespace CodeSigning.Pkcs11.Cryptoki;

/// <summary>CK_MECHANISM_TYPE values the module knows, as in PKCS#11 3.0.</summary>
public static class CKM
{
    public const ulong CKM_RSA_PKCS = 0x1;
    public const ulong CKM_RSA_PKCS_PSS = 0xD;
    public const ulong CKM_SHA256_RSA_PKCS = 0x40;
    public const ulong CKM_SHA384_RSA_PKCS = 0x41;
    public const ulong CKM_SHA512_RSA_PKCS = 0x42;
    public const ulong CKM_SHA256_RSA_PKCS_PSS = 0x43;
    public const ulong CKM_SHA384_RSA_PKCS_PSS = 0x44;
    public const ulong CKM_SHA512_RSA_PKCS_PSS = 0x45;
    public const ulong CKM_SHA256 = 0x250;
    public const ulong CKM_SHA384 = 0x260;
    public const ulong CKM_SHA512 = 0x270;
    public const ulong CKM_ECDSA = 0x1041;
    public const ulong CKM_ECDSA_SHA256 = 0x1044;
    public const ulong CKM_ECDSA_SHA384 = 0x1045;
    public const ulong CKM_ECDSA_SHA512 = 0x1046;
}
