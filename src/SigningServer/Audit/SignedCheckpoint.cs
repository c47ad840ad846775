using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CodeSigning.Server.Audit;

/// <summary>
/// A signed statement "the log's event <see cref="Sequence"/> hashed <see cref="Hash"/>, and the heads
/// of all its chains up to that event hashed to <see cref="Heads"/>, at <see cref="Time"/>", kept
/// outside the database: a log that later ends before it, holds another event there or other chain
/// heads, was cut short or replaced. One JSON line in the checkpoint file and in exports.
/// </summary>
/// <param name="Heads">
/// <see cref="AuditHash.Heads"/> of every chain's newest event up to <see cref="Sequence"/>; null in a
/// checkpoint made before the log had a chain per Signer (format 1), which covers the one chain then.
/// </param>
/// <param name="KeyId">SHA-256 (hex) of the SubjectPublicKeyInfo of the key that signed it.</param>
public sealed record SignedCheckpoint(long Sequence, byte[] Hash, byte[]? Heads, DateTimeOffset Time, string KeyId, byte[] Signature)
{
    /// <summary>
    /// What the signature covers, one per line: a fixed label, the sequence, the hash, the heads
    /// (format 2 only) and the time in Unix milliseconds.
    /// </summary>
    public static byte[] SignedBytes(long sequence, ReadOnlySpan<byte> hash, byte[]? heads, DateTimeOffset time) => Encoding.UTF8.GetBytes(
        (heads is null ? "codesign-audit-checkpoint 1\n" : "codesign-audit-checkpoint 2\n") +
        $"{sequence.ToString(CultureInfo.InvariantCulture)}\n{Convert.ToHexStringLower(hash)}\n" +
        (heads is null ? "" : $"{Convert.ToHexStringLower(heads)}\n") +
        $"{time.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}\n");

    public byte[] SignedBytes() => SignedBytes(Sequence, Hash, Heads, Time);

    public string ToJsonLine()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("sequence", Sequence);
            json.WriteString("hash", Convert.ToHexStringLower(Hash));
            if (Heads is not null)
            {
                json.WriteString("heads", Convert.ToHexStringLower(Heads));
            }
            json.WriteString("time", DateTimeOffset.FromUnixTimeMilliseconds(Time.ToUnixTimeMilliseconds()).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
            json.WriteString("key", KeyId);
            json.WriteString("signature", Convert.ToBase64String(Signature));
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <exception cref="FormatException">Not a checkpoint line.</exception>
    public static SignedCheckpoint Parse(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            var sequence = root.GetProperty("sequence").GetInt64();
            var hash = Convert.FromHexString(root.GetProperty("hash").GetString() ?? "");
            var heads = root.TryGetProperty("heads", out var headsProperty) ? Convert.FromHexString(headsProperty.GetString() ?? "") : null;
            var time = DateTimeOffset.Parse(root.GetProperty("time").GetString() ?? "", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            var key = root.GetProperty("key").GetString() ?? "";
            var signature = Convert.FromBase64String(root.GetProperty("signature").GetString() ?? "");
            return sequence >= 1 && hash.Length == 32 && heads is null or { Length: 32 }
                ? new SignedCheckpoint(sequence, hash, heads, time, key, signature)
                : throw new FormatException("a checkpoint names an event (sequence >= 1), its 32-byte hash and the 32-byte hash of the chain heads");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new FormatException($"not an audit checkpoint: {e.Message}", e);
        }
    }

    public string Describe() =>
        $"the checkpoint of {Time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)} (event {Sequence.ToString(CultureInfo.InvariantCulture)})";
}
