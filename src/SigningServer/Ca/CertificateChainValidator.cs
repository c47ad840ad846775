using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace CodeSigning.Server.Ca;

/// <summary>
/// Checks what an administrator imports for a Signer certified by an external CA: the leaf must
/// be a code-signing certificate for the Signer's own key, and the rest must be its chain.
/// </summary>
public static class CertificateChainValidator
{
    /// <param name="certificatesPemOrDer">Each entry DER, or PEM holding one or several certificates.</param>
    /// <returns>DER leaf first, then each issuer up the chain.</returns>
    /// <exception cref="CertificateImportException">The input is refused; the message says why.</exception>
    public static IReadOnlyList<byte[]> Validate(byte[] signerPublicKeySpki, IEnumerable<byte[]> certificatesPemOrDer, DateTimeOffset now)
    {
        var certificates = Load(certificatesPemOrDer);
        try
        {
            var leaf = FindLeaf(signerPublicKeySpki, certificates, now);
            var chain = BuildChain(leaf, certificates);
            return [.. chain.Select(certificate => certificate.RawData)];
        }
        finally
        {
            foreach (var certificate in certificates)
            {
                certificate.Dispose();
            }
        }
    }

    private static List<X509Certificate2> Load(IEnumerable<byte[]> entries)
    {
        var certificates = new List<X509Certificate2>();
        var number = 0;
        foreach (var entry in entries)
        {
            number++;
            foreach (var der in Decode(entry, number))
            {
                X509Certificate2 certificate;
                try
                {
                    certificate = X509CertificateLoader.LoadCertificate(der);
                }
                catch (CryptographicException e)
                {
                    throw new CertificateImportException($"Entry {number} is not a valid X.509 certificate; give PEM (-----BEGIN CERTIFICATE-----) or DER.", e);
                }
                if (certificates.Exists(known => known.RawData.AsSpan().SequenceEqual(certificate.RawData)))
                {
                    certificate.Dispose();
                    continue;
                }
                certificates.Add(certificate);
            }
        }
        if (certificates.Count == 0)
        {
            throw new CertificateImportException("No certificate was given; import the certificate the CA issued for the Signer's CSR, with its chain.");
        }
        return certificates;
    }

    private static IEnumerable<byte[]> Decode(byte[] entry, int number)
    {
        if (entry.AsSpan().IndexOf("-----BEGIN "u8) < 0)
        {
            return [entry];
        }
        var text = Encoding.UTF8.GetString(entry).AsSpan();
        var certificates = new List<byte[]>();
        while (PemEncoding.TryFind(text, out var fields))
        {
            var label = text[fields.Label];
            if (!label.SequenceEqual("CERTIFICATE"))
            {
                throw new CertificateImportException($"Entry {number} holds a PEM {label}; import only CERTIFICATE blocks (never a private key).");
            }
            certificates.Add(Convert.FromBase64String(text[fields.Base64Data].ToString()));
            text = text[fields.Location.End.Value..];
        }
        if (certificates.Count == 0)
        {
            throw new CertificateImportException($"Entry {number} holds no readable PEM CERTIFICATE block; give the certificate as the CA sent it.");
        }
        return certificates;
    }

    private static X509Certificate2 FindLeaf(byte[] signerPublicKeySpki, List<X509Certificate2> certificates, DateTimeOffset now)
    {
        var matching = certificates.FindAll(certificate => certificate.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(signerPublicKeySpki));
        switch (matching.Count)
        {
            case 0:
                throw new CertificateImportException(
                    "The certificate does not match the Signer's key: none of the certificates given holds its public key. Import the certificate the CA issued for this Signer's CSR.");
            case > 1:
                throw new CertificateImportException(
                    $"{matching.Count} certificates hold the Signer's key ({string.Join("; ", matching.Select(Describe))}); import only the one to use.");
        }
        var leaf = matching[0];
        var extendedUsage = leaf.Extensions.OfType<X509EnhancedKeyUsageExtension>().SingleOrDefault();
        if (extendedUsage is not null && !extendedUsage.EnhancedKeyUsages.Cast<Oid>().Any(oid => oid.Value == Oids.CodeSigning))
        {
            throw new CertificateImportException($"The certificate {Describe(leaf)} is not for code signing: its extended key usage lacks codeSigning (1.3.6.1.5.5.7.3.3). Ask the CA for a code-signing certificate.");
        }
        var keyUsage = leaf.Extensions.OfType<X509KeyUsageExtension>().SingleOrDefault();
        if (keyUsage is not null && !keyUsage.KeyUsages.HasFlag(X509KeyUsageFlags.DigitalSignature))
        {
            throw new CertificateImportException($"The certificate {Describe(leaf)} does not allow digital signatures (key usage lacks digitalSignature). Ask the CA for a code-signing certificate.");
        }
        var notBefore = new DateTimeOffset(leaf.NotBefore.ToUniversalTime());
        var notAfter = new DateTimeOffset(leaf.NotAfter.ToUniversalTime());
        if (now < notBefore)
        {
            throw new CertificateImportException($"The certificate {Describe(leaf)} is not valid before {notBefore:u}; import it from then on, or check the server's clock.");
        }
        if (now > notAfter)
        {
            throw new CertificateImportException($"The certificate {Describe(leaf)} expired on {notAfter:u}; ask the CA to issue a new certificate for the Signer's CSR.");
        }
        return leaf;
    }

    /// <summary>Follows issuer names from the leaf up; every certificate given must be on that path.</summary>
    private static List<X509Certificate2> BuildChain(X509Certificate2 leaf, List<X509Certificate2> certificates)
    {
        var chain = new List<X509Certificate2> { leaf };
        var remaining = certificates.Where(certificate => certificate != leaf).ToList();
        var current = leaf;
        while (!IsSelfIssued(current))
        {
            var issuer = remaining.Find(candidate => candidate.SubjectName.RawData.AsSpan().SequenceEqual(current.IssuerName.RawData));
            if (issuer is null)
            {
                break;
            }
            if (!IsSignedBy(current, issuer))
            {
                throw new CertificateImportException($"The certificate {Describe(current)} names '{issuer.Subject}' as issuer but its signature does not verify with that certificate's key; import the CA certificate that really issued it.");
            }
            chain.Add(issuer);
            remaining.Remove(issuer);
            current = issuer;
        }
        if (remaining.Count > 0)
        {
            throw new CertificateImportException(
                $"Not in the chain of {Describe(leaf)}: {string.Join("; ", remaining.Select(Describe))}; remove what does not belong to it.");
        }
        return chain;
    }

    private static bool IsSelfIssued(X509Certificate2 certificate) =>
        certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData);

    private static bool IsSignedBy(X509Certificate2 certificate, X509Certificate2 issuer)
    {
        try
        {
            return CertificateSignature.IsSignedBy(certificate, issuer);
        }
        catch (Exception e) when (e is CryptographicException or System.Formats.Asn1.AsnContentException)
        {
            throw new CertificateImportException($"The signature of the certificate {Describe(certificate)} cannot be read; import the certificate exactly as the CA issued it.", e);
        }
    }

    private static string Describe(X509Certificate2 certificate) => $"'{certificate.Subject}' (serial {certificate.SerialNumber})";
}
