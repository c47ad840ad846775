using System.Formats.Asn1;
using System.Security.Cryptography;
using CodeSigning.Pkcs11.Cryptoki;

namespace CodeSigning.Pkcs11.Tokens;

/// <summary>The public half of a Signer's key, read from its DER SubjectPublicKeyInfo.</summary>
public sealed class SignerKey
{
    private SignerKey(byte[] subjectPublicKeyInfo, ulong keyType, int bits)
    {
        SubjectPublicKeyInfo = subjectPublicKeyInfo;
        KeyType = keyType;
        Bits = bits;
    }

    public byte[] SubjectPublicKeyInfo { get; }

    /// <summary>CKK_RSA or CKK_EC.</summary>
    public ulong KeyType { get; }

    /// <summary>RSA modulus bits, or the EC field size in bits.</summary>
    public int Bits { get; }

    /// <summary>Bytes of a signature: the modulus length (RSA) or r||s (ECDSA).</summary>
    public int SignatureLength => KeyType == CKK.CKK_RSA ? (Bits + 7) / 8 : 2 * ((Bits + 7) / 8);

    public static SignerKey Parse(byte[] subjectPublicKeyInfo)
    {
        using (var rsa = RSA.Create())
        {
            try
            {
                rsa.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
                return new SignerKey(subjectPublicKeyInfo, CKK.CKK_RSA, rsa.KeySize);
            }
            catch (CryptographicException)
            {
                // Not RSA: try EC below.
            }
        }

        using var ec = ECDsa.Create();
        ec.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
        return new SignerKey(subjectPublicKeyInfo, CKK.CKK_EC, ec.KeySize);
    }

    /// <summary>The key attributes for the public or private key object (never any private part).</summary>
    public IEnumerable<KeyValuePair<ulong, byte[]>> PublicAttributes(bool publicKeyObject)
    {
        yield return new(CKA.CKA_PUBLIC_KEY_INFO, SubjectPublicKeyInfo);
        if (KeyType == CKK.CKK_RSA)
        {
            using var rsa = CreateRsa();
            var parameters = rsa.ExportParameters(false);
            yield return new(CKA.CKA_MODULUS, parameters.Modulus!);
            yield return new(CKA.CKA_PUBLIC_EXPONENT, parameters.Exponent!);
            if (publicKeyObject)
            {
                yield return new(CKA.CKA_MODULUS_BITS, CkUlong.Encode((ulong)Bits));
            }

            yield break;
        }

        using var ec = CreateEcdsa();
        var ecParameters = ec.ExportParameters(false);
        var oid = new AsnWriter(AsnEncodingRules.DER);
        oid.WriteObjectIdentifier(ecParameters.Curve.Oid.Value!);
        yield return new(CKA.CKA_EC_PARAMS, oid.Encode());
        if (publicKeyObject)
        {
            var point = new AsnWriter(AsnEncodingRules.DER);
            point.WriteOctetString([0x04, .. ecParameters.Q.X!, .. ecParameters.Q.Y!]);
            yield return new(CKA.CKA_EC_POINT, point.Encode());
        }
    }

    public RSA CreateRsa()
    {
        var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(SubjectPublicKeyInfo, out _);
        return rsa;
    }

    public ECDsa CreateEcdsa()
    {
        var ec = ECDsa.Create();
        ec.ImportSubjectPublicKeyInfo(SubjectPublicKeyInfo, out _);
        return ec;
    }
}
