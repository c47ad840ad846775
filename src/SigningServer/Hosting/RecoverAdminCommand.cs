using System.Globalization;
using CodeSigning.Server.Audit;
using CodeSigning.Server.Domain;
using CodeSigning.Server.Storage;
using CodeSigning.V1;

namespace CodeSigning.Server.Hosting;

/// <summary>
/// <c>codesign-server recover-admin</c>: a way back in for a Product Admin who lost (or let expire)
/// their API key. It needs no credential: access to the data directory and database already is
/// everything, so the command runs where the server runs, as its user. It mints a new API key for
/// a Product Admin (making the user when the name is new), audited in the chain like any change.
/// The store's write lock orders it with a running server's writes, so it works with the server
/// running or stopped.
/// </summary>
public static class RecoverAdminCommand
{
    public static int Run(DatabaseLocation location, string userName, ServerSettings settings, TextWriter output, TextWriter error)
    {
        ServerHost.RequireInitialized(location);
        var now = DateTimeOffset.UtcNow;
        var store = location.Open();
        ApiKeyRecord key;
        string secret;
        bool created;
        using (var session = store.Begin())
        {
            var user = session.FindUser(userName);
            created = user is null;
            user ??= IdentityManager.InsertUser(session, userName, "Product Admin", "", productAdmin: true, now);
            if (user is not { ProductAdmin: true, Enabled: true })
            {
                error.WriteLine($"codesign-server: '{user.Name}' is not an enabled Product Admin; name one, or a new user name to make one. Nothing was changed.");
                return 1;
            }
            (key, secret) = IdentityManager.InsertApiKey(session, user, "created by recover-admin", now + settings.ApiKeyDefaultTtl, createdByKeyId: null, now);
            var actor = new Principal(PrincipalKind.User, user.Id, user.Name);
            new AuditLog(TimeProvider.System, ServerHost.AuditObservers()).Append(session, new AuditEntry(AuditEventTypes.AdminRecovered, AuditOutcome.Success, actor, AuditClient.None, "local")
            {
                Details =
                {
                    ["user"] = user.Name,
                    ["api_key_id"] = key.Id,
                    ["user_created"] = created ? "true" : "false",
                },
            });
            session.Commit();
        }
        output.WriteLine(created ? $"product admin: {userName} (new user)" : $"product admin: {userName}");
        output.WriteLine($"api-key: {secret}");
        output.WriteLine(ApiKeyNotice(key.ExpiresAt, settings));
        return 0;
    }

    /// <summary>What a person handed a first or recovered admin key must know: it expires, and how to keep access.</summary>
    public static string ApiKeyNotice(DateTimeOffset expiresAt, ServerSettings settings) =>
        $"store this API key now: it is shown only once. It expires {expiresAt.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)} " +
        $"(in {settings.ApiKeyDefaultTtl.TotalDays:0} days), and keys you create with it for yourself expire with it: before then, make a second " +
        "Product Admin who can give you a new key, or run `codesign-server recover-admin` on this data directory";
}
