namespace CodeSigning.Pkcs11.Cryptoki;

/// <summary>CK_ATTRIBUTE_TYPE values the module answers, named and numbered as in PKCS#11 3.0.</summary>
public static class CKA
{
    public const ulong CKA_CLASS = 0x0;
    public const ulong CKA_TOKEN = 0x1;
    public const ulong CKA_PRIVATE = 0x2;
    public const ulong CKA_LABEL = 0x3;
    public const ulong CKA_VALUE = 0x11;
    public const ulong CKA_CERTIFICATE_TYPE = 0x80;
    public const ulong CKA_ISSUER = 0x81;
    public const ulong CKA_SERIAL_NUMBER = 0x82;
    public const ulong CKA_TRUSTED = 0x86;
    public const ulong CKA_CERTIFICATE_CATEGORY = 0x87;
    public const ulong CKA_CHECK_VALUE = 0x90;
    public const ulong CKA_KEY_TYPE = 0x100;
    public const ulong CKA_SUBJECT = 0x101;
    public const ulong CKA_ID = 0x102;
    public const ulong CKA_SENSITIVE = 0x103;
    public const ulong CKA_ENCRYPT = 0x104;
    public const ulong CKA_DECRYPT = 0x105;
    public const ulong CKA_WRAP = 0x106;
    public const ulong CKA_UNWRAP = 0x107;
    public const ulong CKA_SIGN = 0x108;
    public const ulong CKA_SIGN_RECOVER = 0x109;
    public const ulong CKA_VERIFY = 0x10A;
    public const ulong CKA_VERIFY_RECOVER = 0x10B;
    public const ulong CKA_DERIVE = 0x10C;
    public const ulong CKA_MODULUS = 0x120;
    public const ulong CKA_MODULUS_BITS = 0x121;
    public const ulong CKA_PUBLIC_EXPONENT = 0x122;
    public const ulong CKA_PRIVATE_EXPONENT = 0x123;
    public const ulong CKA_PRIME_1 = 0x124;
    public const ulong CKA_PRIME_2 = 0x125;
    public const ulong CKA_EXPONENT_1 = 0x126;
    public const ulong CKA_EXPONENT_2 = 0x127;
    public const ulong CKA_COEFFICIENT = 0x128;
    public const ulong CKA_PUBLIC_KEY_INFO = 0x129;
    public const ulong CKA_EXTRACTABLE = 0x162;
    public const ulong CKA_LOCAL = 0x163;
    public const ulong CKA_NEVER_EXTRACTABLE = 0x164;
    public const ulong CKA_ALWAYS_SENSITIVE = 0x165;
    public const ulong CKA_MODIFIABLE = 0x170;
    public const ulong CKA_COPYABLE = 0x171;
    public const ulong CKA_DESTROYABLE = 0x172;
    public const ulong CKA_EC_PARAMS = 0x180;
    public const ulong CKA_EC_POINT = 0x181;
    public const ulong CKA_ALWAYS_AUTHENTICATE = 0x202;
    public const ulong CKA_WRAP_WITH_TRUSTED = 0x210;
}
