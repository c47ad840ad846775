using System.Buffers.Binary;
using System.Text;
using CodeSigning.Ksp.Cng;
using CodeSigning.Pkcs11.Cryptoki;
using CodeSigning.Pkcs11.Tokens;
using CodeSigning.V1;
using static CodeSigning.Ksp.Cng.NCrypt;

namespace CodeSigning.Ksp;

/// <summary>
/// The values of NCryptGetProviderProperty / NCryptGetKeyProperty as CNG encodes them: strings as
/// NUL-terminated UTF-16LE, numbers as a little-endian DWORD, the certificate as DER.
/// </summary>
public static class KeyProperties
{
    public const string ProviderName = "CodeSigning Key Storage Provider";

    /// <summary>NCRYPT_VERSION_PROPERTY: 1.0 as CNG writes versions (major in the high word).</summary>
    private const uint Version = 0x00010000;

    /// <summary>
    /// NCRYPT_IMPL_TYPE_PROPERTY: the private key never exists on this machine and cannot be exported,
    /// as with a hardware token; NCRYPT_IMPL_HARDWARE_FLAG tells callers not to expect a software key file.
    /// </summary>
    private const uint ImplType = NCRYPT_IMPL_HARDWARE_FLAG;

    public static byte[] OfProvider(string property) => property switch
    {
        NCRYPT_NAME_PROPERTY => Text(ProviderName),
        NCRYPT_VERSION_PROPERTY => Dword(Version),
        NCRYPT_IMPL_TYPE_PROPERTY => Dword(ImplType),
        _ => throw Unsupported(property, "the provider"),
    };

    public static byte[] OfKey(SignerSnapshot signer, string property) => property switch
    {
        NCRYPT_NAME_PROPERTY => Text(signer.Name),
        NCRYPT_UNIQUE_NAME_PROPERTY => Text(signer.Id),
        NCRYPT_ALGORITHM_PROPERTY => Text(Algorithm(signer.Key)),
        NCRYPT_ALGORITHM_GROUP_PROPERTY => Text(IsRsa(signer.Key) ? NCRYPT_RSA_ALGORITHM_GROUP : NCRYPT_ECDSA_ALGORITHM_GROUP),
        NCRYPT_LENGTH_PROPERTY => Dword((uint)signer.Key.Bits),
        NCRYPT_KEY_USAGE_PROPERTY => Dword(NCRYPT_ALLOW_SIGNING_FLAG),
        NCRYPT_EXPORT_POLICY_PROPERTY => Dword(0),
        NCRYPT_IMPL_TYPE_PROPERTY => Dword(ImplType),
        NCRYPT_KEY_TYPE_PROPERTY => Dword(0),
        NCRYPT_CERTIFICATE_PROPERTY => signer.CertificateChain.Count > 0
            ? signer.CertificateChain[0]
            : throw new KspException(SECURITY_STATUS.NTE_NOT_FOUND, $"Signer {signer.Name} has no certificate yet"),
        NCRYPT_ECC_CURVE_NAME_PROPERTY when !IsRsa(signer.Key) => Text(signer.Key.Bits switch { 256 => "nistP256", 384 => "nistP384", _ => "nistP521" }),
        _ => throw Unsupported(property, $"key {signer.Name}"),
    };

    /// <summary>NCryptKeyName.pszAlgid and NCRYPT_ALGORITHM_PROPERTY: RSA, ECDSA_P256, ECDSA_P384 or ECDSA_P521.</summary>
    public static string Algorithm(SignerKey key) =>
        IsRsa(key) ? NCRYPT_RSA_ALGORITHM : key.Bits switch { 256 => NCRYPT_ECDSA_P256_ALGORITHM, 384 => NCRYPT_ECDSA_P384_ALGORITHM, _ => NCRYPT_ECDSA_P521_ALGORITHM };

    public static bool IsRsa(SignerKey key) => key.KeyType == CKK.CKK_RSA;

    private static byte[] Text(string value) => Encoding.Unicode.GetBytes(value + '\0');

    private static byte[] Dword(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }

    private static KspException Unsupported(string property, string of) =>
        new(SECURITY_STATUS.NTE_NOT_SUPPORTED, $"property \"{DisplayText.Escape(property)}\" of {of} is not offered");
}
