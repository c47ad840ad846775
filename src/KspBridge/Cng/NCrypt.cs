namespace CodeSigning.Ksp.Cng;

/// <summary>The ncrypt.h / bcrypt.h names this provider reads and answers: properties, algorithms, flags.</summary>
public static class NCrypt
{
    // Properties (ncrypt.h NCRYPT_*_PROPERTY).
    public const string NCRYPT_NAME_PROPERTY = "Name";
    public const string NCRYPT_UNIQUE_NAME_PROPERTY = "Unique Name";
    public const string NCRYPT_ALGORITHM_PROPERTY = "Algorithm Name";
    public const string NCRYPT_ALGORITHM_GROUP_PROPERTY = "Algorithm Group";
    public const string NCRYPT_LENGTH_PROPERTY = "Length";
    public const string NCRYPT_KEY_USAGE_PROPERTY = "Key Usage";
    public const string NCRYPT_EXPORT_POLICY_PROPERTY = "Export Policy";
    public const string NCRYPT_IMPL_TYPE_PROPERTY = "Impl Type";
    public const string NCRYPT_KEY_TYPE_PROPERTY = "Key Type";
    public const string NCRYPT_VERSION_PROPERTY = "Version";
    public const string NCRYPT_CERTIFICATE_PROPERTY = "SmartCardKeyCertificate";
    public const string NCRYPT_ECC_CURVE_NAME_PROPERTY = "ECCCurveName";

    // Algorithm names and groups.
    public const string NCRYPT_RSA_ALGORITHM = "RSA";
    public const string NCRYPT_ECDSA_P256_ALGORITHM = "ECDSA_P256";
    public const string NCRYPT_ECDSA_P384_ALGORITHM = "ECDSA_P384";
    public const string NCRYPT_ECDSA_P521_ALGORITHM = "ECDSA_P521";
    public const string NCRYPT_RSA_ALGORITHM_GROUP = "RSA";
    public const string NCRYPT_ECDSA_ALGORITHM_GROUP = "ECDSA";
    public const string BCRYPT_SHA256_ALGORITHM = "SHA256";
    public const string BCRYPT_SHA384_ALGORITHM = "SHA384";
    public const string BCRYPT_SHA512_ALGORITHM = "SHA512";

    // Public key blobs (bcrypt.h) for NCryptExportKey.
    public const string BCRYPT_PUBLIC_KEY_BLOB = "PUBLICBLOB";
    public const string BCRYPT_RSAPUBLIC_BLOB = "RSAPUBLICBLOB";
    public const string BCRYPT_ECCPUBLIC_BLOB = "ECCPUBLICBLOB";
    public const uint BCRYPT_RSAPUBLIC_MAGIC = 0x31415352;
    public const uint BCRYPT_ECDSA_PUBLIC_P256_MAGIC = 0x31534345;
    public const uint BCRYPT_ECDSA_PUBLIC_P384_MAGIC = 0x33534345;
    public const uint BCRYPT_ECDSA_PUBLIC_P521_MAGIC = 0x35534345;

    // dwFlags bits.
    public const uint NCRYPT_MACHINE_KEY_FLAG = 0x20;
    public const uint NCRYPT_SILENT_FLAG = 0x40;
    public const uint BCRYPT_PAD_NONE = 0x1;
    public const uint BCRYPT_PAD_PKCS1 = 0x2;
    public const uint BCRYPT_PAD_OAEP = 0x4;
    public const uint BCRYPT_PAD_PSS = 0x8;

    // Property values.
    public const uint NCRYPT_ALLOW_SIGNING_FLAG = 0x2;
    public const uint NCRYPT_IMPL_HARDWARE_FLAG = 0x1;

    // dwLegacyKeySpec.
    public const uint AT_KEYEXCHANGE = 1;
    public const uint AT_SIGNATURE = 2;
}
