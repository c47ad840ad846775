namespace CodeSigning.Pkcs11.Cryptoki;

/// <summary>CK_OBJECT_CLASS values, as in PKCS#11 3.0.</summary>
public static class CKO
{
    public const ulong CKO_CERTIFICATE = 0x1;
    public const ulong CKO_PUBLIC_KEY = 0x2;
    public const ulong CKO_PRIVATE_KEY = 0x3;
}
