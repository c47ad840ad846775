using CodeSigning.Server.Audit;
using CodeSigning.Server.Domain;
using CodeSigning.Server.Keys;
using CodeSigning.Server.Storage;
using CodeSigning.V1;

namespace CodeSigning.Server.Hosting;

/// <summary>
/// <c>codesign-server init</c>: the database, the key-encryption key, the internal CA, the TLS
/// certificate and the first Product Admin, whose API key is printed once.
/// </summary>
public static class InitCommand
{
    public static int Run(string dataDir, string adminName, TextWriter output, TextWriter error, string? database = null)
    {
        try
        {
            Names.Validate(adminName, "--admin-name");
        }
        catch (ServiceException e)
        {
            error.WriteLine($"codesign-server: {e.Message}");
            return 2;
        }
        var location = new DatabaseLocation(dataDir, database);
        if (location.IsInitialized())
        {
            error.WriteLine($"codesign-server: {location} is already initialized; nothing was changed");
            return 1;
        }
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(dataDir);
        }
        else
        {
            const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
            Directory.CreateDirectory(dataDir, OwnerOnly);
            // An existing directory too: it is about to hold the keys, and the server refuses to serve from an open one.
            File.SetUnixFileMode(dataDir, OwnerOnly);
        }
        var vault = SoftwareKeyVault.Open(dataDir);
        var store = location.Open();
        var settings = new ServerSettings();
        var now = DateTimeOffset.UtcNow;
        string secret;
        using (var session = store.Begin())
        {
            ServerIdentity.Create(session, vault, now);
            var admin = IdentityManager.InsertUser(session, adminName, "Product Admin", "", productAdmin: true, now);
            (var key, secret) = IdentityManager.InsertApiKey(session, admin, "created by init", now + settings.ApiKeyDefaultTtl, createdByKeyId: null, now);
            var audit = new AuditLog(TimeProvider.System, ServerHost.AuditObservers());
            var actor = new Principal(PrincipalKind.User, admin.Id, admin.Name);
            audit.Append(session, new AuditEntry(AuditEventTypes.ServerInitialized, AuditOutcome.Success, actor, AuditClient.None, "local") { Details = { ["key_vault"] = vault.Kind, ["kek_id"] = vault.ActiveKeyEncryptionKeyId.ToString(System.Globalization.CultureInfo.InvariantCulture) } });
            audit.Append(session, new AuditEntry(AuditEventTypes.ApiKeyCreated, AuditOutcome.Success, actor, AuditClient.None, "local") { Details = { ["api_key_id"] = key.Id } });
            session.Commit();
        }
        using var certificate = ServerCertificate.LoadOrCreate(dataDir);
        output.WriteLine($"initialized {dataDir}");
        output.WriteLine($"product admin: {adminName}");
        output.WriteLine($"tls certificate: {certificate.CertificatePemPath} sha256:{certificate.Sha256Fingerprint}");
        output.WriteLine($"api-key: {secret}");
        output.WriteLine(RecoverAdminCommand.ApiKeyNotice(now + settings.ApiKeyDefaultTtl, settings));
        return 0;
    }
}
