namespace CodeSigning.Server.Keys;

/// <summary>Where the HSM vault's keys live: a PKCS#11 module, one of its tokens, and the user PIN.</summary>
/// <param name="ModulePath">The vendor's PKCS#11 library (for SoftHSM2: <c>/usr/lib/softhsm/libsofthsm2.so</c>).</param>
/// <param name="TokenLabel">CKA_LABEL of the token (CK_TOKEN_INFO.label) holding the Signer keys.</param>
/// <param name="Pin">The token's user PIN; never logged, never printed.</param>
public sealed record Pkcs11VaultOptions(string ModulePath, string TokenLabel, string Pin)
{
    public override string ToString() => $"PKCS#11 token '{TokenLabel}' in {ModulePath}";
}
