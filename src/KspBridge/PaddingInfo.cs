namespace CodeSigning.Ksp;

/// <summary>
/// What pPaddingInfo of NCryptSignHash held: BCRYPT_PKCS1_PADDING_INFO (pszAlgId) or
/// BCRYPT_PSS_PADDING_INFO (pszAlgId, cbSalt), read by the native shim as dwFlags says.
/// </summary>
/// <param name="HashAlgorithm">pszAlgId; null for PKCS#1 without a DigestInfo (raw).</param>
/// <param name="Salt">cbSalt (PSS only).</param>
public sealed record PaddingInfo(string? HashAlgorithm, uint Salt = 0);
