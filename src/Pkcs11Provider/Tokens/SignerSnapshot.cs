using CodeSigning.V1;

namespace CodeSigning.Pkcs11.Tokens;

/// <summary>What the module knows of a Signer at one moment: identity, key and chain. Never authorization.</summary>
public sealed record SignerSnapshot(string Id, string Name, SignerKey Key, IReadOnlyList<byte[]> CertificateChain)
{
    public static SignerSnapshot From(Signer signer) =>
        new(signer.Id, signer.Name, SignerKey.Parse(signer.PublicKey.ToByteArray()), signer.CertificateChain.Select(c => c.ToByteArray()).ToArray());
}
