using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace CodeSigning.Server.Domain;

/// <summary>The public keys a service account may register: RSA of at least 2048 bits, EC on P-256 or P-384.</summary>
public static class ServiceAccountPublicKey
{
    private const string RsaOid = "1.2.840.113549.1.1.1";
    private const string EcOid = "1.2.840.10045.2.1";
    private const string P256Oid = "1.2.840.10045.3.1.7";
    private const string P384Oid = "1.3.132.0.34";

    /// <param name="encoded">PEM "PUBLIC KEY" or DER SubjectPublicKeyInfo.</param>
    /// <returns>The DER SubjectPublicKeyInfo and "RSA" or "EC".</returns>
    public static (byte[] Spki, string Algorithm) Parse(byte[] encoded)
    {
        try
        {
            var spki = Der(encoded);
            var key = PublicKey.CreateFromSubjectPublicKeyInfo(spki, out var read);
            if (read != spki.Length)
            {
                throw new CryptographicException();
            }
            switch (key.Oid.Value)
            {
                case RsaOid:
                    using (var rsa = key.GetRSAPublicKey()!)
                    {
                        return rsa.KeySize >= 2048 ? (spki, "RSA") : throw Invalid("RSA keys must have at least 2048 bits");
                    }
                case EcOid:
                    using (var ec = key.GetECDsaPublicKey()!)
                    {
                        return ec.ExportParameters(false).Curve.Oid.Value is P256Oid or P384Oid ? (spki, "EC") : throw Invalid("EC keys must be on P-256 or P-384");
                    }
                default:
                    throw Invalid("only RSA and EC keys are accepted");
            }
        }
        catch (Exception e) when (e is CryptographicException or FormatException or ArgumentException)
        {
            throw Invalid("public_key must be a PEM \"PUBLIC KEY\" or a DER SubjectPublicKeyInfo");
        }
    }

    private static byte[] Der(byte[] encoded)
    {
        var text = Encoding.ASCII.GetString(encoded);
        if (!text.Contains("-----BEGIN ", StringComparison.Ordinal))
        {
            return encoded;
        }
        var pem = PemEncoding.Find(text);
        return text[pem.Label] == "PUBLIC KEY" ? Convert.FromBase64String(text[pem.Base64Data]) : throw new FormatException();
    }

    private static ServiceException Invalid(string message) => ServiceException.InvalidArgument("public_key", message);
}
