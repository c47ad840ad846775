using CodeSigning.Server.Storage;
using CodeSigning.V1;

namespace CodeSigning.Server.Domain;

/// <summary>
/// What authorizing a signature reads about one caller and one Signer, all of it fixed while the
/// store's authorization version stays: the Signer without its chain (<see cref="SignerRecord.Chain"/>
/// empty) and whether it has one, the caller's effective role, and the approval policy if any.
/// Grants are not part of it: they are read fresh for every signature.
/// </summary>
public sealed record SignAuthorization(SignerRecord Signer, bool HasChain, Role Role, PolicyRecord? Policy);
