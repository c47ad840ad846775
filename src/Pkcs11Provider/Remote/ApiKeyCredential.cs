using CodeSigning.Pkcs11.Configuration;

namespace CodeSigning.Pkcs11.Remote;

/// <summary>A user's API key (`csk_...`), from the configuration, CODESIGN_API_KEY or a key file.</summary>
public sealed class ApiKeyCredential(string apiKey) : Credential
{
    public override string GetBearer(RemoteClient client) => apiKey;

    public static ApiKeyCredential FromFile(string path)
    {
        string key;
        try
        {
            FilePermissions.RefuseIfShared(path, "holds an API key");
            key = File.ReadAllText(path).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"api_key_file {path}: cannot be read: {ex.Message}");
        }

        return key.Length == 0 ? throw new ConfigurationException($"api_key_file {path}: empty") : new ApiKeyCredential(key);
    }
}
