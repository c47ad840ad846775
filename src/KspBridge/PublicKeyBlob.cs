using System.Buffers.Binary;
using CodeSigning.Ksp.Cng;
using CodeSigning.Pkcs11.Tokens;
using CodeSigning.V1;
using static CodeSigning.Ksp.Cng.NCrypt;

namespace CodeSigning.Ksp;

/// <summary>
/// NCryptExportKey of the public half only (tools match a certificate to its key this way):
/// BCRYPT_RSAKEY_BLOB + exponent + modulus, or BCRYPT_ECCKEY_BLOB + X + Y, big-endian numbers
/// (bcrypt.h). A private blob of a key that never leaves the server is NTE_NOT_SUPPORTED.
/// </summary>
public static class PublicKeyBlob
{
    public static byte[] Export(SignerKey key, string blobType)
    {
        var rsa = KeyProperties.IsRsa(key);
        var fits = blobType == BCRYPT_PUBLIC_KEY_BLOB || blobType == (rsa ? BCRYPT_RSAPUBLIC_BLOB : BCRYPT_ECCPUBLIC_BLOB);
        if (!fits)
        {
            throw new KspException(SECURITY_STATUS.NTE_NOT_SUPPORTED, $"blob type \"{DisplayText.Escape(blobType)}\" is not offered: the key only signs, and only its public half is exported");
        }

        return rsa ? Rsa(key) : Ecc(key);
    }

    private static byte[] Rsa(SignerKey key)
    {
        using var rsa = key.CreateRsa();
        var parameters = rsa.ExportParameters(false);
        // BCRYPT_RSAKEY_BLOB: Magic, BitLength, cbPublicExp, cbModulus, cbPrime1, cbPrime2 (six ULONGs).
        var header = new byte[24];
        Write(header, 0, BCRYPT_RSAPUBLIC_MAGIC, (uint)key.Bits, (uint)parameters.Exponent!.Length, (uint)parameters.Modulus!.Length, 0, 0);
        return [.. header, .. parameters.Exponent, .. parameters.Modulus];
    }

    private static byte[] Ecc(SignerKey key)
    {
        using var ec = key.CreateEcdsa();
        var q = ec.ExportParameters(false).Q;
        // BCRYPT_ECCKEY_BLOB: Magic, cbKey (two ULONGs).
        var header = new byte[8];
        Write(header, 0, key.Bits switch { 256 => BCRYPT_ECDSA_PUBLIC_P256_MAGIC, 384 => BCRYPT_ECDSA_PUBLIC_P384_MAGIC, _ => BCRYPT_ECDSA_PUBLIC_P521_MAGIC }, (uint)q.X!.Length);
        return [.. header, .. q.X, .. q.Y!];
    }

    private static void Write(byte[] target, int offset, params uint[] values)
    {
        foreach (var value in values)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(target.AsSpan(offset), value);
            offset += 4;
        }
    }
}
