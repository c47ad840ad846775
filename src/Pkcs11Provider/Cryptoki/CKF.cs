namespace CodeSigning.Pkcs11.Cryptoki;

/// <summary>CK_FLAGS bits, named as in PKCS#11 3.0 (pkcs11t.h). Grouped by the structure that carries them.</summary>
public static class CKF
{
    // CK_C_INITIALIZE_ARGS.flags
    public const uint CKF_LIBRARY_CANT_CREATE_OS_THREADS = 0x1;
    public const uint CKF_OS_LOCKING_OK = 0x2;
}
