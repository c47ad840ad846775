namespace CodeSigning.Pkcs11.Cryptoki;

/// <summary>CK_USER_TYPE values, as in PKCS#11 3.0.</summary>
public static class CKU
{
    public const ulong CKU_SO = 0;
    public const ulong CKU_USER = 1;
    public const ulong CKU_CONTEXT_SPECIFIC = 2;
}
