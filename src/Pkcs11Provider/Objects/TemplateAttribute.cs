namespace CodeSigning.Pkcs11.Objects;

/// <summary>One CK_ATTRIBUTE of a search template: its type and the caller's value bytes as given.</summary>
public readonly record struct TemplateAttribute(ulong Type, byte[] Value);
