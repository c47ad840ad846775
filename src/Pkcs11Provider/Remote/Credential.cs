namespace CodeSigning.Pkcs11.Remote;

/// <summary>What the module sends as `authorization: Bearer` for its own (configured) identity.</summary>
public abstract class Credential
{
    /// <summary>The bearer for the next call; a service account exchanges an assertion when needed.</summary>
    public abstract string GetBearer(RemoteClient client);
}
