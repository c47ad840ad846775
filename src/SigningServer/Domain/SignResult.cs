namespace CodeSigning.Server.Domain;

/// <param name="GrantId">Null when the Signer has no approval policy.</param>
public sealed record SignResult(byte[] Signature, string AuditEventId, string? GrantId, long GrantSignaturesRemaining);
