using CodeSigning.Server.Audit;
using CodeSigning.Server.Storage;
using CodeSigning.V1;

namespace CodeSigning.Server.Api;

/// <summary>
/// Keeps audit reading possible whatever the log holds: an event written before fields were bounded
/// (a 20 MB client host) is returned with its long strings cut, and a page stops at a byte budget as
/// well as at its event count.
/// </summary>
public static class AuditEventSize
{
    /// <summary>Bytes of events in one QueryAuditEvents response (clients receive up to 4 MB by default).</summary>
    public const int MaxPageBytes = 1024 * 1024;

    /// <summary>An event larger than this is returned with every string over <see cref="KeptLength"/> cut.</summary>
    public const int MaxEventBytes = 64 * 1024;

    public const int KeptLength = 1024;

    /// <summary>The event as returned to readers; <c>details["truncated"]</c> names the fields that were cut.</summary>
    public static AuditEvent ToBoundedProto(this AuditRecord record)
    {
        var proto = record.ToProto();
        if (proto.CalculateSize() <= MaxEventBytes)
        {
            return proto;
        }
        var cut = new List<string>();
        string Cut(string name, string value)
        {
            if (value.Length <= KeptLength)
            {
                return value;
            }
            cut.Add(name);
            return $"{value[..KeptLength]}... ({value.Length} characters)";
        }
        proto.Client.Host = Cut("client.host", proto.Client.Host);
        proto.Client.Process = Cut("client.process", proto.Client.Process);
        proto.Client.CorrelationId = Cut("client.correlation_id", proto.Client.CorrelationId);
        proto.Client.Client = Cut("client.client", proto.Client.Client);
        proto.SignerName = Cut("signer_name", proto.SignerName);
        proto.Reason = Cut("reason", proto.Reason);
        proto.RemoteAddress = Cut("remote_address", proto.RemoteAddress);
        if (proto.Actor is not null)
        {
            proto.Actor.Name = Cut("actor.name", proto.Actor.Name);
        }
        foreach (var key in proto.Details.Keys.ToList())
        {
            proto.Details[key] = Cut("details." + key, proto.Details[key]);
        }
        proto.Details["truncated"] = string.Join(",", cut);
        return proto;
    }
}
