using CodeSigning.Server.Domain;
using CodeSigning.V1;

namespace CodeSigning.Server.WebConsole.Pages.Signers;

/// <summary>The Signer page: certificate, state, members, approval policy, grants, and how to hook signing tools up.</summary>
public sealed class SignerModel(SignerManager signers, MemberManager members, ApprovalManager approvals) : SignerPageModel(signers, members, approvals)
{
    /// <summary>What <c>csign pkcs11 setup</c> prints for this Signer, its files in the default directory.</summary>
    public string ToolCommands => View is null ? "" : SigningToolCommands.Text(View.Signer.Name, View.Signer.KeyAlgorithm, SigningToolPaths.Default(View.Signer.Name, HostUrl()));

    private string HostUrl() => $"{Request.Scheme}://{Request.Host}";
}
