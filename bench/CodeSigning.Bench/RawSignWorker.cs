using System.Security.Cryptography;

namespace CodeSigning.Bench;

/// <summary>The raw limit: the same key operation in this process (.NET over OpenSSL), one key copy per thread.</summary>
public sealed class RawSignWorker : ISignWorker
{
    private readonly AsymmetricAlgorithm _key;
    private readonly Func<byte[]> _sign;

    public RawSignWorker(AsymmetricAlgorithm shared)
    {
        switch (shared)
        {
            case RSA rsa:
                var copy = RSA.Create();
                copy.ImportParameters(rsa.ExportParameters(includePrivateParameters: true));
                _key = copy;
                _sign = () => copy.SignHash(BenchAlgorithm.Digest, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                break;
            case ECDsa ecdsa:
                var ec = ECDsa.Create(ecdsa.ExportParameters(includePrivateParameters: true));
                _key = ec;
                _sign = () => ec.SignHash(BenchAlgorithm.Digest);
                break;
            default:
                throw new ArgumentException($"unsupported key {shared.GetType().Name}", nameof(shared));
        }
    }

    public byte[] Sign() => _sign();

    public void Dispose() => _key.Dispose();
}
