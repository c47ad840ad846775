namespace CodeSigning.Pkcs11.Cryptoki;

/// <summary>CK_STATE values (CK_SESSION_INFO.state), as in PKCS#11 3.0.</summary>
public static class CKS
{
    public const ulong CKS_RO_PUBLIC_SESSION = 0;
    public const ulong CKS_RO_USER_FUNCTIONS = 1;
    public const ulong CKS_RW_PUBLIC_SESSION = 2;
    public const ulong CKS_RW_USER_FUNCTIONS = 3;
}
