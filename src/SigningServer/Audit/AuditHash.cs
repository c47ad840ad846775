using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using CodeSigning.Server.Storage;

namespace CodeSigning.Server.Audit;

/// <summary>
/// hash = SHA-256(previous hash in the chain || canonical form). The canonical form is every field in a fixed
/// order, each length-prefixed, so no two different events share it.
/// </summary>
public static class AuditHash
{
    public static byte[] Compute(AuditRecord record)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(record.PreviousHash);
        Append(hash, record.Sequence);
        Append(hash, record.Id);
        Append(hash, record.Time.ToUnixTimeMilliseconds());
        Append(hash, record.Type);
        Append(hash, (long)record.Outcome);
        Append(hash, record.Actor is null ? -1 : (long)record.Actor.Kind);
        Append(hash, record.Actor?.Id ?? "");
        Append(hash, record.Actor?.Name ?? "");
        Append(hash, record.SignerId);
        Append(hash, record.SignerName);
        Append(hash, record.Reason);
        Append(hash, record.Client.Host);
        Append(hash, record.Client.Process);
        Append(hash, record.Client.Pid);
        Append(hash, record.Client.CorrelationId);
        Append(hash, record.Client.Client);
        Append(hash, record.RemoteAddress);
        Append(hash, record.Details.Count);
        foreach (var (key, value) in record.Details)
        {
            Append(hash, key);
            Append(hash, value);
        }
        return hash.GetHashAndReset();
    }

    /// <summary>
    /// What a checkpoint signs of the chains: SHA-256 over each chain's newest event, in the ordinal
    /// order of the chain names, as (chain, position in the chain, hash).
    /// </summary>
    public static byte[] Heads(IEnumerable<AuditRecord> heads)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var head in heads.OrderBy(h => h.Chain, StringComparer.Ordinal))
        {
            Append(hash, head.Chain);
            Append(hash, head.ChainSequence);
            hash.AppendData(head.Hash);
        }
        return hash.GetHashAndReset();
    }

    private static void Append(IncrementalHash hash, long value)
    {
        Span<byte> buffer = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(buffer, value);
        hash.AppendData(buffer);
    }

    private static void Append(IncrementalHash hash, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        Append(hash, bytes.Length);
        hash.AppendData(bytes);
    }
}
