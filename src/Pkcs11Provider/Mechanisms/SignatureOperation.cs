using System.Security.Cryptography;
using CodeSigning.Pkcs11.Cryptoki;
using CodeSigning.Pkcs11.Tokens;

namespace CodeSigning.Pkcs11.Mechanisms;

/// <summary>
/// An active C_Sign* or C_Verify* operation: the mechanism checked against the key, and the data
/// seen so far, hashed locally as it arrives for hash-and-sign mechanisms.
/// </summary>
public sealed class SignatureOperation : IDisposable
{
    private readonly IncrementalHash? _hash;
    private readonly HashAlgorithmName? _pssHash;

    private SignatureOperation(Mechanism mechanism, Token token, SignerKey key, HashAlgorithmName? pssHash)
    {
        Mechanism = mechanism;
        Token = token;
        Key = key;
        this._pssHash = pssHash;
        if (mechanism.Hash is { } name)
        {
            _hash = IncrementalHash.CreateHash(name);
        }
    }

    public Mechanism Mechanism { get; }

    public Token Token { get; }

    public SignerKey Key { get; }

    /// <summary>C_SignUpdate / C_VerifyUpdate has been called: C_Sign / C_Verify no longer may be.</summary>
    public bool IsMultiPart { get; private set; }

    public static SignatureOperation Start(ulong mechanismType, PssParameters? pss, Token token, SignerKey key)
    {
        var mechanism = MechanismTable.Get(mechanismType);
        if (mechanism.KeyType != key.KeyType)
        {
            throw new Pkcs11Exception(CKR.CKR_KEY_TYPE_INCONSISTENT, $"mechanism 0x{mechanismType:X} does not fit the {(key.KeyType == CKK.CKK_RSA ? "RSA" : "EC")} key of {token.Label}");
        }

        HashAlgorithmName? pssHash = null;
        if (mechanism.Scheme == V1.SignatureScheme.RsaPss)
        {
            pssHash = pss is null ? null : Digests.FromCkm(pss.HashAlg);
            if (pssHash is not { } chosen || (mechanism.Hash is { } fixedHash && fixedHash != chosen)
                || pss!.Mgf != Digests.Mgf1(chosen) || pss.SaltLength != (ulong)Digests.Length(chosen))
            {
                throw new Pkcs11Exception(CKR.CKR_MECHANISM_PARAM_INVALID,
                    "CK_RSA_PKCS_PSS_PARAMS must name SHA-256/384/512, the MGF1 of the same hash and a salt as long as the digest");
            }
        }

        return new SignatureOperation(mechanism, token, key, pssHash);
    }

    public void Update(ReadOnlySpan<byte> part)
    {
        if (_hash is null)
        {
            throw new Pkcs11Exception(CKR.CKR_FUNCTION_NOT_SUPPORTED, $"mechanism 0x{Mechanism.Type:X} is single-part: the caller passes a digest");
        }

        IsMultiPart = true;
        _hash.AppendData(part);
    }

    /// <summary>The digest to sign: of all parts (multi-part) or of <paramref name="data"/> (single-part).</summary>
    public SignatureInput Complete(ReadOnlySpan<byte> data)
    {
        if (_hash is not null)
        {
            _hash.AppendData(data);
            return new SignatureInput(Mechanism.Scheme, Mechanism.Hash!.Value, _hash.GetHashAndReset());
        }

        switch (Mechanism.Scheme)
        {
            case V1.SignatureScheme.RsaPkcs1V15:
                var (digestInfoHash, digest) = DigestInfo.Parse(data, (Key.Bits + 7) / 8);
                return new SignatureInput(Mechanism.Scheme, digestInfoHash, digest);
            case V1.SignatureScheme.RsaPss:
                return data.Length == Digests.Length(_pssHash!.Value)
                    ? new SignatureInput(Mechanism.Scheme, _pssHash.Value, data.ToArray())
                    : throw new Pkcs11Exception(CKR.CKR_DATA_LEN_RANGE, $"CKM_RSA_PKCS_PSS takes a {Digests.Length(_pssHash.Value)}-byte digest, got {data.Length}");
            default:
                return Digests.ByLength(data.Length) is { } byLength
                    ? new SignatureInput(Mechanism.Scheme, byLength, data.ToArray())
                    : throw new Pkcs11Exception(CKR.CKR_DATA_LEN_RANGE, $"CKM_ECDSA takes a SHA-256, SHA-384 or SHA-512 digest (32, 48 or 64 bytes), got {data.Length}");
        }
    }

    /// <summary>Checks a signature locally with the public key.</summary>
    public void Verify(SignatureInput input, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != Key.SignatureLength)
        {
            throw new Pkcs11Exception(CKR.CKR_SIGNATURE_LEN_RANGE, $"signature is {signature.Length} bytes, the key makes {Key.SignatureLength}");
        }

        bool valid;
        if (Key.KeyType == CKK.CKK_RSA)
        {
            using var rsa = Key.CreateRsa();
            var padding = input.Scheme == V1.SignatureScheme.RsaPss ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
            valid = rsa.VerifyHash(input.Digest, signature, input.Hash, padding);
        }
        else
        {
            using var ec = Key.CreateEcdsa();
            valid = ec.VerifyHash(input.Digest, signature);
        }

        if (!valid)
        {
            throw new Pkcs11Exception(CKR.CKR_SIGNATURE_INVALID, "the signature does not verify with the public key");
        }
    }

    public void Dispose() => _hash?.Dispose();
}
