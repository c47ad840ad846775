namespace CodeSigning.Pkcs11.Tokens;

/// <summary>What C_GetSlotInfo reports (CK_SLOT_INFO), independent of the C layout.</summary>
public sealed record SlotDescription(string Description, string Manufacturer, ulong Flags);
