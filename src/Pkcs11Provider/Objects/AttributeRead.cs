namespace CodeSigning.Pkcs11.Objects;

/// <summary>
/// One CK_ATTRIBUTE of C_GetAttributeValue. In: the type and the caller's buffer size (null when
/// pValue is NULL). Out: the bytes to copy (null when nothing is copied) and the ulValueLen to report.
/// </summary>
public sealed class AttributeRead(ulong type, int? capacity)
{
    public ulong Type { get; } = type;

    public int? Capacity { get; } = capacity;

    public byte[]? Value { get; internal set; }

    public ulong Length { get; internal set; }
}
