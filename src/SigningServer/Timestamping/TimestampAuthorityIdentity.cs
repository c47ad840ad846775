using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using CodeSigning.Server.Audit;
using CodeSigning.Server.Ca;
using CodeSigning.Server.Keys;
using CodeSigning.Server.Storage;
using CodeSigning.V1;

namespace CodeSigning.Server.Timestamping;

/// <summary>
/// The timestamp authority's certificate (issued by the internal CA, EKU id-kp-timeStamping
/// critical) and its key's vault reference, kept in the store's settings so every replica signs
/// with the same TSA. Made at the first start of a server, replaced by <c>codesign-server tsa-rotate</c>.
/// </summary>
/// <param name="Certificate">DER of the TSA certificate.</param>
/// <param name="VaultKind">The vault holding the key (the server's default vault when it was made).</param>
public sealed record TimestampAuthorityIdentity(byte[] Certificate, byte[] KeyReference, string VaultKind)
{
    public const string SubjectName = "CN=CodeSigning Timestamp Authority, O=CodeSigning";

    /// <summary>P-256: a timestamp costs one signature, and every verifier (Java, Windows, OpenSSL) takes it.</summary>
    public const KeyAlgorithm Algorithm = KeyAlgorithm.EcP256;

    // Within the issuing CA's ten years; `tsa-rotate` makes a new one at any time.
    private static readonly TimeSpan Validity = TimeSpan.FromDays(5 * 365);

    private const string CertificateSetting = "tsa.certificate";
    private const string KeySetting = "tsa.key";
    private const string VaultSetting = "tsa.key_vault";

    /// <summary>The stored identity, or null before the first start.</summary>
    public static TimestampAuthorityIdentity? Find(IStoreSession session) =>
        session.GetSetting(CertificateSetting) is { } certificate
            ? new(certificate, session.GetSetting(KeySetting)!, System.Text.Encoding.UTF8.GetString(session.GetSetting(VaultSetting)!))
            : null;

    /// <summary>The stored certificate alone: what a server compares to notice a rotation.</summary>
    public static byte[]? FindCertificate(IStoreSession session) => session.GetSetting(CertificateSetting);

    /// <summary>
    /// Generates a key in <paramref name="vault"/>, has the internal CA certify it, stores both
    /// (replacing any earlier identity) and audits it, in the caller's transaction.
    /// </summary>
    public static TimestampAuthorityIdentity Create(IStoreSession session, IKeyVault vault, IKeyVault caVault, CaMaterial ca, AuditLog audit, string reason, DateTimeOffset now)
    {
        var key = vault.Generate(Algorithm, "codesign timestamp authority");
        try
        {
            var chain = InternalCertificateAuthority.IssueTimestampAuthority(caVault, ca, key.PublicKey, SubjectName, Validity, now);
            var identity = new TimestampAuthorityIdentity(chain[0], key.KeyReference, vault.Kind);
            session.SetSetting(CertificateSetting, identity.Certificate);
            session.SetSetting(KeySetting, identity.KeyReference);
            session.SetSetting(VaultSetting, System.Text.Encoding.UTF8.GetBytes(identity.VaultKind));
            using var certificate = X509CertificateLoader.LoadCertificate(identity.Certificate);
            audit.Append(session, new AuditEntry(AuditEventTypes.TimestampCertificateIssued, AuditOutcome.Success, null, AuditClient.None, "local")
            {
                Reason = reason,
                Details =
                {
                    ["serial_number"] = certificate.SerialNumber,
                    ["key_vault"] = vault.Kind,
                    ["not_after"] = certificate.NotAfter.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
                },
            });
            return identity;
        }
        catch
        {
            vault.Discard(key.KeyReference);
            throw;
        }
    }

    /// <summary>The software-vault key reference, for the key-encryption key rotation; none when the key is in an HSM.</summary>
    public static IEnumerable<(string Setting, byte[] KeyReference)> SealedKeys(IStoreSession session) =>
        Find(session) is { VaultKind: SoftwareKeyVault.VaultKind } identity ? [(KeySetting, identity.KeyReference)] : [];
}
