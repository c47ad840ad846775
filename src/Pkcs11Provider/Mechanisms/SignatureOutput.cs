using CodeSigning.Pkcs11.Cryptoki;

namespace CodeSigning.Pkcs11.Mechanisms;

/// <summary>
/// The answer to C_Sign / C_SignFinal: the signature, or only its length (size query, or
/// CKR_BUFFER_TOO_SMALL), in which case the operation stays active.
/// </summary>
public sealed record SignatureOutput(CKR Result, byte[]? Signature, int Length);
