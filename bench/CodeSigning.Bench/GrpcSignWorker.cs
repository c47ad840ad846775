using CodeSigning.V1;
using Google.Protobuf;
using Grpc.Net.Client;

namespace CodeSigning.Bench;

/// <summary>The Sign API called directly (blocking unary call on a shared channel): the server's cost without the module's.</summary>
public sealed class GrpcSignWorker(GrpcChannel channel, string signer, BenchAlgorithm algorithm) : ISignWorker
{
    private static readonly ByteString Digest = ByteString.CopyFrom(BenchAlgorithm.Digest);

    private readonly SignService.SignServiceClient _client = new(channel);
    private readonly SignRequest _request = new()
    {
        Signer = signer,
        Scheme = algorithm.Scheme,
        DigestAlgorithm = DigestAlgorithm.Sha256,
        Digest = Digest,
        Client = new ClientContext { Client = "codesign-bench/1.0" },
    };

    public byte[] Sign() => _client.Sign(_request).Signature.ToByteArray();

    public void Dispose()
    {
        // The channel belongs to the caller and is shared by every thread.
    }
}
