namespace CodeSigning.Pkcs11.Mechanisms;

/// <summary>CK_RSA_PKCS_PSS_PARAMS as the caller passed them.</summary>
public sealed record PssParameters(ulong HashAlg, ulong Mgf, ulong SaltLength);
