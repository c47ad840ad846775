namespace CodeSigning.Pkcs11.Cryptoki;

/// <summary>CK_KEY_TYPE values, as in PKCS#11 3.0.</summary>
public static class CKK
{
    public const ulong CKK_RSA = 0x0;
    public const ulong CKK_EC = 0x3;
}
