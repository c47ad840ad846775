using CodeSigning.Pkcs11.Objects;

namespace CodeSigning.Pkcs11.Tokens;

/// <summary>
/// The token in one slot: one Signer. Its snapshot (key, chain) is cached; whether the caller may
/// sign is asked of the server on every signature.
/// </summary>
public sealed class Token
{
    private readonly ObjectHandles handles;
    private volatile State? state;

    public Token(ulong slotId, string signerReference, bool loginRequired, ObjectHandles handles)
    {
        SlotId = slotId;
        SignerReference = signerReference;
        LoginRequired = loginRequired;
        this.handles = handles;
    }

    public ulong SlotId { get; }

    /// <summary>The Signer id (or, for a login-required token not yet opened, the configured name).</summary>
    public string SignerReference { get; }

    /// <summary>No credentials in the configuration: the PIN carries the API key.</summary>
    public bool LoginRequired { get; }

    /// <summary>The Signer as last fetched, or null while a login-required token has not been opened.</summary>
    public SignerSnapshot? Snapshot => state?.Snapshot;

    /// <summary>Token label: the Signer name.</summary>
    public string Label => Snapshot?.Name ?? SignerReference;

    /// <summary>Token serial: the Signer id, shortened to the 16 characters CK_TOKEN_INFO holds.</summary>
    public string Serial
    {
        get
        {
            var id = Snapshot?.Id.Replace("-", "", StringComparison.Ordinal) ?? "";
            return id.Length > 16 ? id[..16] : id;
        }
    }

    public IReadOnlyList<TokenObject> Objects => state?.Objects ?? [];

    public void Update(SignerSnapshot snapshot)
    {
        if (state?.Snapshot == snapshot)
        {
            return;
        }

        state = new State(snapshot, SignerObjects.Build(snapshot, handles));
    }

    private sealed record State(SignerSnapshot Snapshot, IReadOnlyList<TokenObject> Objects);
}
