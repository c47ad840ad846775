using System.Security.Cryptography;

namespace CodeSigning.Server.Keys;

/// <summary>
/// The software vault's key-encryption key: 32 random bytes in <c>DIR/vault.kek</c>, readable by the
/// server's user only. Whoever reads this file and the database holds every software key.
/// </summary>
internal static class KeyEncryptionKey
{
    public const string FileName = "vault.kek";
    public const int Length = 32;

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode GroupOrOthers =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Reads the KEK of <paramref name="dataDir"/>, creating it on first use.</summary>
    public static byte[] LoadOrCreate(string dataDir)
    {
        Directory.CreateDirectory(dataDir);
        var path = Path.Combine(dataDir, FileName);
        if (!File.Exists(path))
        {
            TryCreate(path);
        }
        return Load(path);
    }

    private static byte[] Load(string path)
    {
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & GroupOrOthers) != 0)
        {
            throw new InvalidOperationException(
                $"The key-encryption key {path} is accessible to other users; restrict it with `chmod 600 {path}` and check who may have read it.");
        }
        var kek = File.ReadAllBytes(path);
        if (kek.Length != Length)
        {
            CryptographicOperations.ZeroMemory(kek);
            throw new InvalidOperationException(
                $"The key-encryption key {path} must hold exactly {Length} bytes; restore it from your backup.");
        }
        return kek;
    }

    /// <summary>
    /// Writes a fresh KEK to a private temporary file, then links it into place without overwriting:
    /// a concurrent opener either sees no file or the complete key, never a partial or readable one.
    /// </summary>
    private static void TryCreate(string path)
    {
        var temporary = $"{path}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }
        var kek = RandomNumberGenerator.GetBytes(Length);
        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(kek);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first: use theirs.
        }
        finally
        {
            CryptographicOperations.ZeroMemory(kek);
            File.Delete(temporary);
        }
    }
}
