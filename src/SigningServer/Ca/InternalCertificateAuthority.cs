using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CodeSigning.Server.Keys;
using CodeSigning.V1;

namespace CodeSigning.Server.Ca;

/// <summary>
/// The server's own two-level CA (root, issuing) that issues Signers' code-signing certificates.
/// Both CA keys live in the vault like Signer keys.
/// </summary>
public static class InternalCertificateAuthority
{
    public const string RootName = "CN=CodeSigning Root CA, O=CodeSigning";
    public const string IssuingName = "CN=CodeSigning Issuing CA, O=CodeSigning";

    private const KeyAlgorithm CaKeyAlgorithm = KeyAlgorithm.EcP384;
    private static readonly HashAlgorithmName CaHash = HashAlgorithmName.SHA384;

    /// <summary>Tolerated clock difference between the server and the machines that verify signatures.</summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    public static CaMaterial CreateMaterial(IKeyVault vault, DateTimeOffset now)
    {
        var notBefore = now - ClockSkew;

        var rootKey = vault.Generate(CaKeyAlgorithm, "codesign root CA");
        var rootSigner = new VaultSignatureGenerator(vault, rootKey.KeyReference, rootKey.PublicKey, CaKeyAlgorithm);
        var rootName = new X500DistinguishedName(RootName);
        var rootRequest = new CertificateRequest(rootName, rootSigner.PublicKey, CaHash);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 1, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        rootRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(rootSigner.PublicKey, false));
        using var root = rootRequest.Create(rootName, rootSigner, notBefore, now.AddYears(20), RandomSerialNumber());

        var issuingKey = vault.Generate(CaKeyAlgorithm, "codesign issuing CA");
        var issuingPublicKey = PublicKey.CreateFromSubjectPublicKeyInfo(issuingKey.PublicKey, out _);
        var issuingRequest = new CertificateRequest(new X500DistinguishedName(IssuingName), issuingPublicKey, CaHash);
        issuingRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        issuingRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        issuingRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(issuingPublicKey, false));
        issuingRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(root, true, false));
        using var issuing = issuingRequest.Create(rootName, rootSigner, notBefore, now.AddYears(10), RandomSerialNumber());

        return new CaMaterial(root.RawData, rootKey.KeyReference, issuing.RawData, issuingKey.KeyReference);
    }

    /// <summary>
    /// Issues a code-signing certificate for <paramref name="subjectPublicKeySpki"/>, valid from five
    /// minutes ago for <paramref name="validity"/> but never beyond the issuing CA.
    /// </summary>
    /// <returns>DER leaf, issuing CA, root CA: the chain in the order signing tools expect.</returns>
    /// <exception cref="ArgumentException">The subject name is not a distinguished name, or the validity is not positive.</exception>
    /// <exception cref="InvalidOperationException">The issuing CA has expired.</exception>
    public static IReadOnlyList<byte[]> Issue(IKeyVault vault, CaMaterial ca, byte[] subjectPublicKeySpki, string subjectName, TimeSpan validity, DateTimeOffset now) =>
        IssueLeaf(vault, ca, subjectPublicKeySpki, subjectName, validity, now, new X509EnhancedKeyUsageExtension([new Oid(Oids.CodeSigning)], false));

    /// <summary>
    /// Issues the timestamp authority's certificate: like <see cref="Issue"/>, with the sole, critical
    /// extended key usage id-kp-timeStamping that RFC 3161 2.3 requires.
    /// </summary>
    public static IReadOnlyList<byte[]> IssueTimestampAuthority(IKeyVault vault, CaMaterial ca, byte[] subjectPublicKeySpki, string subjectName, TimeSpan validity, DateTimeOffset now) =>
        IssueLeaf(vault, ca, subjectPublicKeySpki, subjectName, validity, now, new X509EnhancedKeyUsageExtension([new Oid(Oids.TimeStamping)], true));

    private static IReadOnlyList<byte[]> IssueLeaf(IKeyVault vault, CaMaterial ca, byte[] subjectPublicKeySpki, string subjectName, TimeSpan validity, DateTimeOffset now,
        X509EnhancedKeyUsageExtension extendedKeyUsage)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(validity, TimeSpan.Zero);
        using var issuing = X509CertificateLoader.LoadCertificate(ca.IssuingCertificate);
        var notBefore = now - ClockSkew;
        var issuingNotAfter = new DateTimeOffset(issuing.NotAfter.ToUniversalTime());
        if (issuingNotAfter <= now)
        {
            throw new InvalidOperationException($"The internal issuing CA expired on {issuingNotAfter:u}; create a new CA before issuing certificates.");
        }
        var notAfter = now + validity < issuingNotAfter ? now + validity : issuingNotAfter;

        var subjectKey = PublicKey.CreateFromSubjectPublicKeyInfo(subjectPublicKeySpki, out _);
        var request = new CertificateRequest(SubjectName.Parse(subjectName), subjectKey, CaHash);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(extendedKeyUsage);
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(subjectKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuing, true, false));

        var issuingPublicKey = issuing.PublicKey.ExportSubjectPublicKeyInfo();
        var issuer = new VaultSignatureGenerator(vault, ca.IssuingKeyReference, issuingPublicKey, CaKeyAlgorithm);
        using var leaf = request.Create(issuing.SubjectName, issuer, notBefore, notAfter, RandomSerialNumber());
        return [leaf.RawData, ca.IssuingCertificate, ca.RootCertificate];
    }

    /// <summary>16 random bytes, top bit clear and first byte non-zero: a positive DER INTEGER of exactly 16 bytes (RFC 5280 4.1.2.2).</summary>
    private static byte[] RandomSerialNumber()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x01);
        return serial;
    }
}
