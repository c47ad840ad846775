using System.Security.Cryptography;
using CodeSigning.Server.Ca;
using CodeSigning.Server.Keys;
using CodeSigning.Server.Storage;

namespace CodeSigning.Server.Domain;

/// <summary>
/// What makes a server installation itself, kept in the store so every replica shares it: the
/// internal CA and the audience its service-account assertions must name.
/// </summary>
public sealed record ServerIdentity(CaMaterial Ca, string TokenAudience)
{
    private const string RootCertificate = "ca.root.certificate";
    private const string RootKey = "ca.root.key";
    private const string IssuingCertificate = "ca.issuing.certificate";
    private const string IssuingKey = "ca.issuing.key";
    private const string Audience = "token.audience";

    public static bool Exists(IStoreSession session) => session.GetSetting(Audience) is not null;

    public static ServerIdentity Create(IStoreSession session, IKeyVault vault, DateTimeOffset now)
    {
        var ca = InternalCertificateAuthority.CreateMaterial(vault, now);
        var identity = new ServerIdentity(ca, "codesign:" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
        session.SetSetting(RootCertificate, ca.RootCertificate);
        session.SetSetting(RootKey, ca.RootKeyReference);
        session.SetSetting(IssuingCertificate, ca.IssuingCertificate);
        session.SetSetting(IssuingKey, ca.IssuingKeyReference);
        session.SetSetting(Audience, System.Text.Encoding.UTF8.GetBytes(identity.TokenAudience));
        return identity;
    }

    /// <summary>The CA's sealed key references, for the software vault's key-encryption key rotation.</summary>
    public static IEnumerable<(string Setting, byte[] KeyReference)> SealedKeys(IStoreSession session) =>
        new[] { RootKey, IssuingKey }.Select(setting => (setting, session.GetSetting(setting)!));

    public static ServerIdentity Load(IStoreSession session)
    {
        byte[] Get(string key) => session.GetSetting(key)
            ?? throw new InvalidOperationException("the data directory is not initialized; run `codesign-server init --data-dir DIR` first");
        var audience = System.Text.Encoding.UTF8.GetString(Get(Audience));
        return new ServerIdentity(new CaMaterial(Get(RootCertificate), Get(RootKey), Get(IssuingCertificate), Get(IssuingKey)), audience);
    }
}
