using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CodeSigning.Server.Audit;

/// <summary>
/// A signed statement "the chain's event <see cref="Sequence"/> hashed <see cref="Hash"/> at
/// <see cref="Time"/>", kept outside the database: a log that later ends before it, or holds another
/// event there, was cut short or replaced. One JSON line in the checkpoint file and in exports.
/// </summary>
/// <param name="KeyId">SHA-256 (hex) of the SubjectPublicKeyInfo of the key that signed it.</param>
public sealed record SignedCheckpoint(long Sequence, byte[] Hash, DateTimeOffset Time, string KeyId, byte[] Signature)
{
    private const string Label = "codesign-audit-checkpoint 1";

    /// <summary>What the signature covers: a fixed label, the sequence, the hash and the time, one per line.</summary>
    public static byte[] SignedBytes(long sequence, ReadOnlySpan<byte> hash, DateTimeOffset time) => Encoding.UTF8.GetBytes(
        $"{Label}\n{sequence.ToString(CultureInfo.InvariantCulture)}\n{Convert.ToHexStringLower(hash)}\n{time.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}\n");

    public byte[] SignedBytes() => SignedBytes(Sequence, Hash, Time);

    public string ToJsonLine()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("sequence", Sequence);
            json.WriteString("hash", Convert.ToHexStringLower(Hash));
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
            var time = DateTimeOffset.Parse(root.GetProperty("time").GetString() ?? "", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            var key = root.GetProperty("key").GetString() ?? "";
            var signature = Convert.FromBase64String(root.GetProperty("signature").GetString() ?? "");
            return sequence >= 1 && hash.Length == 32
                ? new SignedCheckpoint(sequence, hash, time, key, signature)
                : throw new FormatException("a checkpoint names an event (sequence >= 1) and its 32-byte hash");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new FormatException($"not an audit checkpoint: {e.Message}", e);
        }
    }

    public string Describe() =>
        $"the checkpoint of {Time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)} (event {Sequence.ToString(CultureInfo.InvariantCulture)})";
}
