using CodeSigning.Server.Storage;
using CodeSigning.V1;

namespace CodeSigning.Server.Domain;

/// <summary>A Signer as one caller sees it.</summary>
/// <param name="PreviousCertificates">Leaf certificates of rotated-out keys, newest first.</param>
public sealed record SignerView(SignerRecord Signer, Role CallerRole, bool ApprovalRequired, IReadOnlyList<byte[]> PreviousCertificates)
{
    public static SignerView Of(IStoreSession session, SignerRecord signer, Role role) =>
        new(signer, role, session.GetPolicy(signer.Id) is not null, session.ListRetiredCertificates(signer.Id));
}
