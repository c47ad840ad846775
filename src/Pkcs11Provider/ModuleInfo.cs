namespace CodeSigning.Pkcs11;

/// <summary>What C_GetInfo reports (CK_INFO), independent of the C layout.</summary>
public sealed record ModuleInfo(
    byte CryptokiMajor,
    byte CryptokiMinor,
    string ManufacturerId,
    string LibraryDescription,
    byte LibraryMajor,
    byte LibraryMinor);
