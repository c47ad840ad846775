using CodeSigning.V1;
using Grpc.Core;

namespace CodeSigning.Server.Domain;

/// <summary>Which scheme and digest fit which key, and how long each digest is.</summary>
public static class SignatureAlgorithms
{
    /// <summary>The longest digest accepted (SHA-512).</summary>
    public const int MaxDigestLength = 64;

    public static void Check(KeyAlgorithm key, SignatureScheme scheme, DigestAlgorithm digestAlgorithm, int digestLength)
    {
        var isRsa = key is KeyAlgorithm.Rsa2048 or KeyAlgorithm.Rsa3072 or KeyAlgorithm.Rsa4096;
        var fits = scheme switch
        {
            SignatureScheme.RsaPkcs1V15 or SignatureScheme.RsaPss => isRsa,
            SignatureScheme.Ecdsa => !isRsa,
            _ => false,
        };
        if (!fits)
        {
            throw NotSupported($"signature scheme {ProtoNames.Of(scheme)} does not fit the Signer's {ProtoNames.Of(key)} key");
        }
        var expected = DigestLength(digestAlgorithm)
            ?? throw NotSupported($"digest algorithm {ProtoNames.Of(digestAlgorithm)} is not supported; use SHA-256, SHA-384 or SHA-512");
        if (digestLength != expected)
        {
            throw new ServiceException(StatusCode.InvalidArgument, ErrorReason.DigestLengthInvalid,
                $"a {ProtoNames.Of(digestAlgorithm)} digest is {expected} bytes, got {digestLength}");
        }
    }

    /// <summary>Null for the digests the server refuses (SHA-1, SHA-224: too weak for new signatures).</summary>
    public static int? DigestLength(DigestAlgorithm algorithm) => algorithm switch
    {
        DigestAlgorithm.Sha256 => 32,
        DigestAlgorithm.Sha384 => 48,
        DigestAlgorithm.Sha512 => MaxDigestLength,
        _ => null,
    };

    private static ServiceException NotSupported(string message) => new(StatusCode.InvalidArgument, ErrorReason.AlgorithmNotSupported, message);
}
