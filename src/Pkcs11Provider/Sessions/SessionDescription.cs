namespace CodeSigning.Pkcs11.Sessions;

/// <summary>What C_GetSessionInfo reports (CK_SESSION_INFO).</summary>
public sealed record SessionDescription(ulong SlotId, ulong State, ulong Flags);
