namespace CodeSigning.Pkcs11.Cryptoki;

/// <summary>CK_FLAGS bits, named as in PKCS#11 3.0 (pkcs11t.h). Grouped by the structure that carries them.</summary>
public static class CKF
{
    // CK_C_INITIALIZE_ARGS.flags
    public const ulong CKF_LIBRARY_CANT_CREATE_OS_THREADS = 0x1;
    public const ulong CKF_OS_LOCKING_OK = 0x2;

    // CK_SLOT_INFO.flags
    public const ulong CKF_TOKEN_PRESENT = 0x1;
    public const ulong CKF_REMOVABLE_DEVICE = 0x2;
    public const ulong CKF_HW_SLOT = 0x4;

    // CK_TOKEN_INFO.flags
    public const ulong CKF_RNG = 0x1;
    public const ulong CKF_WRITE_PROTECTED = 0x2;
    public const ulong CKF_LOGIN_REQUIRED = 0x4;
    public const ulong CKF_USER_PIN_INITIALIZED = 0x8;
    public const ulong CKF_TOKEN_INITIALIZED = 0x400;

    // CK_SESSION_INFO.flags and C_OpenSession flags
    public const ulong CKF_RW_SESSION = 0x2;
    public const ulong CKF_SERIAL_SESSION = 0x4;

    // CK_MECHANISM_INFO.flags
    public const ulong CKF_HW = 0x1;
    public const ulong CKF_SIGN = 0x800;
    public const ulong CKF_VERIFY = 0x2000;
    public const ulong CKF_EC_F_P = 0x100000;
    public const ulong CKF_EC_NAMEDCURVE = 0x800000;
    public const ulong CKF_EC_UNCOMPRESS = 0x1000000;
}
