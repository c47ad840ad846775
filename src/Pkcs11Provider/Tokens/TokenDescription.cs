namespace CodeSigning.Pkcs11.Tokens;

/// <summary>What C_GetTokenInfo reports (CK_TOKEN_INFO), independent of the C layout.</summary>
public sealed record TokenDescription(string Label, string Manufacturer, string Model, string Serial, ulong Flags, ulong SessionCount, ulong SignatureLength);
