using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CodeSigning.Server.Keys;

/// <summary>
/// The software vault's key-encryption keys (KEKs), in <c>DIR/vault.kek</c>, readable by the server's
/// user only. Whoever reads this file and the database holds every software key.
/// <para>
/// The file is a ring: <c>codesign-kek-ring 1</c>, then one line per KEK, <c>ID STATE BASE64</c>,
/// STATE being <c>active</c> (new keys are sealed under it; exactly one), <c>staged</c> (added by
/// <c>rekey --stage</c>, not used for sealing yet) or <c>retiring</c> (kept to unseal references a
/// running rekey has not re-wrapped yet). A file of exactly 32 raw bytes is the single KEK of a data
/// directory made before rings existed, and what <c>init</c> still writes: KEK 0, active.
/// </para>
/// </summary>
public sealed class KeyEncryptionKeyRing
{
    public const string FileName = "vault.kek";
    public const int KeyLength = 32;
    private const string Header = "codesign-kek-ring 1";

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode GroupOrOthers =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    public KeyEncryptionKeyRing(IReadOnlyList<KeyEncryptionKey> keys)
    {
        if (keys.Count(k => k.State == KeyEncryptionKeyState.Active) != 1 || keys.Select(k => k.Id).Distinct().Count() != keys.Count)
        {
            throw new InvalidOperationException("a key-encryption key ring needs exactly one active key and distinct ids");
        }
        Keys = keys;
    }

    public IReadOnlyList<KeyEncryptionKey> Keys { get; }

    public KeyEncryptionKey Active => Keys.Single(k => k.State == KeyEncryptionKeyState.Active);

    public KeyEncryptionKey? Staged => Keys.FirstOrDefault(k => k.State == KeyEncryptionKeyState.Staged);

    public static string PathIn(string dataDir) => Path.Combine(dataDir, FileName);

    /// <summary>Reads the ring of <paramref name="dataDir"/>, creating it (one fresh active KEK) on first use.</summary>
    /// <exception cref="InvalidOperationException">The file is accessible to group or others, or damaged.</exception>
    public static KeyEncryptionKeyRing LoadOrCreate(string dataDir)
    {
        Directory.CreateDirectory(dataDir);
        var path = PathIn(dataDir);
        if (!File.Exists(path))
        {
            // A single KEK is written as the plain 32 bytes older servers read; the first rekey makes it a ring.
            var first = new KeyEncryptionKeyRing([new KeyEncryptionKey(0, KeyEncryptionKeyState.Active, RandomNumberGenerator.GetBytes(KeyLength))]);
            first.Write(path, overwrite: false);
        }
        return Load(path);
    }

    /// <exception cref="InvalidOperationException">The file is accessible to group or others, or damaged.</exception>
    public static KeyEncryptionKeyRing Load(string path)
    {
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & GroupOrOthers) != 0)
        {
            throw new InvalidOperationException(
                $"The key-encryption key {path} is accessible to other users; restrict it with `chmod 600 {path}` and check who may have read it.");
        }
        var content = File.ReadAllBytes(path);
        try
        {
            if (content.Length == KeyLength)
            {
                return new KeyEncryptionKeyRing([new KeyEncryptionKey(0, KeyEncryptionKeyState.Active, content)]);
            }
            var lines = Encoding.ASCII.GetString(content).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (lines.Length < 2 || lines[0] != Header)
            {
                throw new FormatException("unknown format");
            }
            return new KeyEncryptionKeyRing(lines[1..].Select(ParseLine).ToList());
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or OverflowException)
        {
            CryptographicOperations.ZeroMemory(content);
            throw new InvalidOperationException(
                $"The key-encryption key {path} is damaged ({e.Message}); restore it from your backup.", e);
        }
    }

    /// <summary>
    /// Writes the ring to a private temporary file, then moves it into place: a concurrent reader sees
    /// the old or the new ring, never a partial or readable one. Without <paramref name="overwrite"/>,
    /// a ring another process wrote first wins.
    /// </summary>
    public void Write(string path, bool overwrite = true)
    {
        var temporary = $"{path}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }
        byte[] bytes;
        if (Keys is [{ Id: 0 } single])
        {
            bytes = single.Key.ToArray();
        }
        else
        {
            var text = new StringBuilder(Header).Append('\n');
            foreach (var key in Keys)
            {
                text.Append(CultureInfo.InvariantCulture, $"{key.Id} {key.State.ToString().ToLowerInvariant()} {Convert.ToBase64String(key.Key)}\n");
            }
            bytes = Encoding.ASCII.GetBytes(text.ToString());
        }
        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite);
        }
        catch (IOException) when (!overwrite && File.Exists(path))
        {
            // Another process created it first: use theirs.
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
            File.Delete(temporary);
        }
    }

    private static KeyEncryptionKey ParseLine(string line)
    {
        var parts = line.Split(' ');
        var key = parts.Length == 3 ? Convert.FromBase64String(parts[2]) : throw new FormatException("a line is not 'ID STATE BASE64'");
        return new KeyEncryptionKey(
            uint.Parse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture),
            Enum.TryParse<KeyEncryptionKeyState>(parts[1], ignoreCase: true, out var state) && Enum.IsDefined(state) ? state : throw new FormatException($"unknown state '{parts[1]}'"),
            key.Length == KeyLength ? key : throw new FormatException($"a key is not {KeyLength} bytes"));
    }
}
