using System.Security.Cryptography;
using System.Text;
using CodeSigning.Pkcs11.Objects;

namespace CodeSigning.Pkcs11.Tokens;

/// <summary>
/// The token in one slot: one Signer. Its snapshot (key, chain) is cached; whether the caller may
/// sign is asked of the server on every signature.
/// </summary>
public sealed class Token
{
    private readonly ObjectHandles _handles;
    private volatile State? _state;
    private string? _serial;

    public Token(ulong slotId, string signerReference, bool loginRequired, ObjectHandles handles)
    {
        SlotId = slotId;
        SignerReference = signerReference;
        LoginRequired = loginRequired;
        this._handles = handles;
    }

    public ulong SlotId { get; }

    /// <summary>The Signer id (or, for a login-required token not yet opened, the configured name).</summary>
    public string SignerReference { get; }

    /// <summary>No credentials in the configuration: the PIN carries the API key.</summary>
    public bool LoginRequired { get; }

    /// <summary>The Signer as last fetched, or null while a login-required token has not been opened.</summary>
    public SignerSnapshot? Snapshot => _state?.Snapshot;

    /// <summary>Token label: the Signer name.</summary>
    public string Label => Snapshot?.Name ?? SignerReference;

    /// <summary>
    /// Token serial, fixed for the token's life (tools such as gnupg-pkcs11-scd identify a card by it,
    /// so it must not change at login): the Signer id shortened to the 16 characters CK_TOKEN_INFO
    /// holds, or for a login-required token, whose id is unknown until login, the first 16 hex digits
    /// of SHA-256 over the configured reference.
    /// </summary>
    public string Serial => _serial ??= LoginRequired ? ReferenceDigest(SignerReference) : Shorten(SignerReference.Replace("-", "", StringComparison.Ordinal));

    public IReadOnlyList<TokenObject> Objects => _state?.Objects ?? [];

    /// <summary>Replaces key and chain with what the server sent last; object handles stay the same.</summary>
    public void Update(SignerSnapshot snapshot) => _state = new State(snapshot, SignerObjects.Build(snapshot, _handles));

    private static string ReferenceDigest(string reference) =>
        Shorten(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(reference))));

    private static string Shorten(string value) => value.Length > 16 ? value[..16] : value;

    private sealed record State(SignerSnapshot Snapshot, IReadOnlyList<TokenObject> Objects);
}
