using System.Security.Cryptography;

namespace CodeSigning.Server.Audit;

/// <summary>
/// The key that signs audit checkpoints: an EC P-256 key in <c>DIR/audit-checkpoint.key</c> (PKCS#8
/// PEM, owner-only), made on first start. A file of its own rather than a key in the database, so a
/// replaced or restored database cannot bring its own key; replicas get it with the data directory.
/// </summary>
public sealed class AuditCheckpointKey : IDisposable
{
    public const string FileName = "audit-checkpoint.key";

    private const UnixFileMode GroupOrOthers =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private readonly ECDsa _key;

    private AuditCheckpointKey(ECDsa key)
    {
        _key = key;
        Id = Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()));
    }

    /// <summary>SHA-256 (hex) of the public key: which key a checkpoint claims to be signed with.</summary>
    public string Id { get; }

    /// <exception cref="InvalidOperationException">The file is accessible to group or others, or not an EC key.</exception>
    public static AuditCheckpointKey LoadOrCreate(string dataDir)
    {
        var path = Path.Combine(dataDir, FileName);
        if (!File.Exists(path))
        {
            using var created = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            using var writer = new StreamWriter(path, options);
            writer.Write(created.ExportPkcs8PrivateKeyPem());
        }
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & GroupOrOthers) != 0)
        {
            throw new InvalidOperationException($"{path} is accessible to group or others; chmod 600 it");
        }
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(path));
            return new AuditCheckpointKey(key);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new InvalidOperationException($"{path} is not an EC private key in PEM", e);
        }
    }

    public SignedCheckpoint Sign(long sequence, byte[] hash, byte[] heads, DateTimeOffset time)
    {
        // Milliseconds, as the line keeps them: the signature must cover what the line says.
        time = DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());
        return new SignedCheckpoint(sequence, hash, heads, time, Id, _key.SignData(SignedCheckpoint.SignedBytes(sequence, hash, heads, time), HashAlgorithmName.SHA256));
    }

    public bool Signed(SignedCheckpoint checkpoint) =>
        checkpoint.KeyId == Id && _key.VerifyData(checkpoint.SignedBytes(), checkpoint.Signature, HashAlgorithmName.SHA256);

    public void Dispose() => _key.Dispose();
}
