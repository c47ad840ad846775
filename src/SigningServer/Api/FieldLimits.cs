using System.Collections;
using System.Collections.Frozen;
using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace CodeSigning.Server.Api;

/// <summary>
/// The length limit of every string a caller sends, and how many items a repeated field may hold
/// (docs/api.md lists them). Checked on the whole request before any handler runs, so no oversized
/// value reaches the store or the audit log.
/// </summary>
public static class FieldLimits
{
    /// <summary>Names, ids, references, filters, page tokens, emails: anything not listed below.</summary>
    public const int DefaultLength = 256;

    /// <summary>Items of a repeated field not listed below.</summary>
    public const int DefaultCount = 100;

    /// <summary>The longer free-text fields, by proto full name.</summary>
    public static readonly FrozenDictionary<string, int> Lengths = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["codesigning.v1.ClientContext.host"] = 255,
        ["codesigning.v1.ClientContext.process"] = 1024,
        ["codesigning.v1.CreateSigningRequestRequest.justification"] = 4096,
        ["codesigning.v1.CreateGrantRequest.justification"] = 4096,
        ["codesigning.v1.DecideSigningRequestRequest.comment"] = 4096,
        ["codesigning.v1.CreateSignerRequest.description"] = 1024,
        ["codesigning.v1.CreateSignerRequest.subject"] = 1024,
        ["codesigning.v1.CreateServiceAccountRequest.description"] = 1024,
        ["codesigning.v1.CreateGroupRequest.description"] = 1024,
        ["codesigning.v1.CreateApiKeyRequest.description"] = 1024,
        ["codesigning.v1.ExchangeAssertionRequest.assertion"] = 16384,
        ["codesigning.v1.VerifyAuditChainRequest.checkpoints"] = 1024,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static readonly FrozenDictionary<string, int> Counts = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["codesigning.v1.VerifyAuditChainRequest.checkpoints"] = 1000,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The first field over its limit, as a path ("client.host", "checkpoints[3]"), with what it holds and may hold.</summary>
    public static (string Field, long Length, int Limit)? FirstViolation(IMessage message, string prefix = "")
    {
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            var path = prefix + field.Name;
            var value = field.Accessor.GetValue(message);
            if (field.IsMap || value is null)
            {
                continue;
            }
            if (field.IsRepeated)
            {
                var items = (IList)value;
                var maxCount = Counts.GetValueOrDefault(field.FullName, DefaultCount);
                if (items.Count > maxCount)
                {
                    return (path, items.Count, maxCount);
                }
                for (var i = 0; i < items.Count; i++)
                {
                    if (Check(field, items[i], $"{path}[{i.ToString(CultureInfo.InvariantCulture)}]") is { } violation)
                    {
                        return violation;
                    }
                }
            }
            else if (Check(field, value, path) is { } violation)
            {
                return violation;
            }
        }
        return null;
    }

    private static (string, long, int)? Check(FieldDescriptor field, object? value, string path) => value switch
    {
        string text when text.Length > Lengths.GetValueOrDefault(field.FullName, DefaultLength) => (path, text.Length, Lengths.GetValueOrDefault(field.FullName, DefaultLength)),
        IMessage nested when field.FieldType == FieldType.Message => FirstViolation(nested, path + "."),
        _ => null,
    };
}
