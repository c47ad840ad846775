namespace CodeSigning.Server.Ca;

/// <summary>
/// The internal CA's root and issuing certificates (DER) and their keys' vault references.
/// Persisted by the store, so that every replica issues under the same CA.
/// </summary>
public sealed record CaMaterial(
    byte[] RootCertificate,
    byte[] RootKeyReference,
    byte[] IssuingCertificate,
    byte[] IssuingKeyReference);
