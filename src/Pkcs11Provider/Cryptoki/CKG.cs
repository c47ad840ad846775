namespace CodeSigning.Pkcs11.Cryptoki;

/// <summary>CK_RSA_PKCS_MGF_TYPE values (CK_RSA_PKCS_PSS_PARAMS.mgf), as in PKCS#11 3.0.</summary>
public static class CKG
{
    public const ulong CKG_MGF1_SHA256 = 0x2;
    public const ulong CKG_MGF1_SHA384 = 0x3;
    public const ulong CKG_MGF1_SHA512 = 0x4;
}
