using CodeSigning.Server.Domain;

namespace CodeSigning.Server.WebConsole.Pages.Signers;

/// <summary>Every Signer the caller may see (all of them for a Product Admin).</summary>
public sealed class SignersModel(SignerManager signers) : ConsolePageModel
{
    public IReadOnlyList<SignerView> Signers { get; private set; } = [];

    protected override void Load() => Signers = signers.List(Caller);
}
