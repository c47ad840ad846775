using CodeSigning.Pkcs11.Configuration;

namespace CodeSigning.Pkcs11.Remote;

/// <summary>What the module sends as `authorization: Bearer` for its own (configured) identity.</summary>
public abstract class Credential
{
    /// <summary>The bearer for the next call; a service account exchanges an assertion when needed.</summary>
    public abstract string GetBearer(RemoteClient client);

    /// <summary>The credential the configuration's "auth" names, or null when it names none.</summary>
    public static Credential? FromConfiguration(AuthConfiguration? auth, TimeProvider time) => auth switch
    {
        { ApiKey: { } key } => new ApiKeyCredential(key),
        { ApiKeyFile: { } file } => ApiKeyCredential.FromFile(file),
        { ServiceAccount: { } account } => ServiceAccountCredential.FromConfiguration(account, time),
        _ => null,
    };
}
