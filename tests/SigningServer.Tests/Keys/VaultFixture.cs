using CodeSigning.Server.Keys;
using CodeSigning.V1;

namespace CodeSigning.Server.Tests.Keys;

/// <summary>One vault and one key per algorithm, shared by the tests: RSA generation is slow.</summary>
public sealed class VaultFixture : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly Dictionary<KeyAlgorithm, VaultKey> _keys = [];

    public VaultFixture() => Vault = SoftwareKeyVault.Open(_directory.Path);

    public string DataDir => _directory.Path;

    public SoftwareKeyVault Vault { get; }

    public VaultKey Key(KeyAlgorithm algorithm)
    {
        lock (_keys)
        {
            if (!_keys.TryGetValue(algorithm, out var key))
            {
                key = Vault.Generate(algorithm, "test");
                _keys.Add(algorithm, key);
            }
            return key;
        }
    }

    public void Dispose() => _directory.Dispose();
}
