using CodeSigning.Pkcs11.Cryptoki;

namespace CodeSigning.Pkcs11.Objects;

/// <summary>
/// One object of a token: a read-only set of attributes already encoded as the C caller reads them
/// (CK_ULONG in the host width, CK_BBOOL as one byte), plus the types that exist but are sensitive.
/// </summary>
public sealed class TokenObject(ulong handle, ulong objectClass, IReadOnlyDictionary<ulong, byte[]> attributes, IReadOnlySet<ulong> sensitive)
{
    private static readonly IReadOnlySet<ulong> NoSensitive = new HashSet<ulong>();

    public TokenObject(ulong handle, ulong objectClass, IReadOnlyDictionary<ulong, byte[]> attributes)
        : this(handle, objectClass, attributes, NoSensitive)
    {
    }

    public ulong Handle { get; } = handle;

    public ulong Class { get; } = objectClass;

    public bool Matches(IReadOnlyList<TemplateAttribute> template)
    {
        foreach (var wanted in template)
        {
            if (!attributes.TryGetValue(wanted.Type, out var value) || !value.AsSpan().SequenceEqual(wanted.Value))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Fills each request following the C_GetAttributeValue rules; returns the call's CK_RV.</summary>
    public CKR Read(IReadOnlyList<AttributeRead> template)
    {
        var result = CKR.CKR_OK;
        foreach (var request in template)
        {
            request.Value = null;
            if (sensitive.Contains(request.Type))
            {
                request.Length = CkUlong.CK_UNAVAILABLE_INFORMATION;
                result = CKR.CKR_ATTRIBUTE_SENSITIVE;
            }
            else if (!attributes.TryGetValue(request.Type, out var value))
            {
                request.Length = CkUlong.CK_UNAVAILABLE_INFORMATION;
                result = CKR.CKR_ATTRIBUTE_TYPE_INVALID;
            }
            else if (request.Capacity is null)
            {
                request.Length = (ulong)value.Length;
            }
            else if (request.Capacity < value.Length)
            {
                request.Length = CkUlong.CK_UNAVAILABLE_INFORMATION;
                result = CKR.CKR_BUFFER_TOO_SMALL;
            }
            else
            {
                request.Value = value;
                request.Length = (ulong)value.Length;
            }
        }

        return result;
    }
}
