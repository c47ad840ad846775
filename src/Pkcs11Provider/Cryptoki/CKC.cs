namespace CodeSigning.Pkcs11.Cryptoki;

/// <summary>CK_CERTIFICATE_TYPE and CK_CERTIFICATE_CATEGORY values, as in PKCS#11 3.0.</summary>
public static class CKC
{
    public const ulong CKC_X_509 = 0x0;

    public const ulong CK_CERTIFICATE_CATEGORY_TOKEN_USER = 1;
    public const ulong CK_CERTIFICATE_CATEGORY_AUTHORITY = 2;
}
