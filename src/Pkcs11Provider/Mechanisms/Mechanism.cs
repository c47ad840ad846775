using System.Security.Cryptography;
using CodeSigning.V1;

namespace CodeSigning.Pkcs11.Mechanisms;

/// <summary>
/// A signing mechanism: the key type it needs, the scheme the server applies, and the hash the
/// module computes locally (null: the caller passes a digest, or a DigestInfo for CKM_RSA_PKCS).
/// </summary>
public sealed record Mechanism(ulong Type, ulong KeyType, SignatureScheme Scheme, HashAlgorithmName? Hash, ulong Flags, int MinKeyBits, int MaxKeyBits)
{
    public bool HashesLocally => Hash is not null;
}
