using System.Security.Cryptography;
using CodeSigning.V1;

namespace CodeSigning.Server.Keys;

/// <summary>The parameters behind each <see cref="KeyAlgorithm"/>, shared by the vaults.</summary>
internal static class KeyAlgorithms
{
    public static bool IsEc(KeyAlgorithm algorithm) => algorithm is KeyAlgorithm.EcP256 or KeyAlgorithm.EcP384 or KeyAlgorithm.EcP521;

    public static int RsaBits(KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.Rsa2048 => 2048,
        KeyAlgorithm.Rsa3072 => 3072,
        KeyAlgorithm.Rsa4096 => 4096,
        _ => throw new NotSupportedException($"Key algorithm {algorithm} is not an RSA algorithm."),
    };

    public static ECCurve Curve(KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.EcP256 => ECCurve.NamedCurves.nistP256,
        KeyAlgorithm.EcP384 => ECCurve.NamedCurves.nistP384,
        KeyAlgorithm.EcP521 => ECCurve.NamedCurves.nistP521,
        _ => throw new NotSupportedException($"Key algorithm {algorithm} is not an EC algorithm."),
    };

    /// <summary>The algorithm of an existing key, or null when no <see cref="KeyAlgorithm"/> fits it.</summary>
    public static KeyAlgorithm? Of(AsymmetricAlgorithm key) => key switch
    {
        RSA rsa => rsa.KeySize switch { 2048 => KeyAlgorithm.Rsa2048, 3072 => KeyAlgorithm.Rsa3072, 4096 => KeyAlgorithm.Rsa4096, _ => null },
        ECDsa ecdsa => ecdsa.ExportParameters(false).Curve.Oid.Value switch
        {
            "1.2.840.10045.3.1.7" => KeyAlgorithm.EcP256,
            "1.3.132.0.34" => KeyAlgorithm.EcP384,
            "1.3.132.0.35" => KeyAlgorithm.EcP521,
            _ => null,
        },
        _ => null,
    };
}
