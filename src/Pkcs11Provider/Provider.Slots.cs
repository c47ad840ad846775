using CodeSigning.Pkcs11.Cryptoki;
using CodeSigning.Pkcs11.Mechanisms;
using CodeSigning.Pkcs11.Tokens;

namespace CodeSigning.Pkcs11;

/// <summary>Slots, tokens and mechanisms (C_GetSlotList ... C_GetMechanismInfo).</summary>
public sealed partial class Provider
{
    /// <summary>Every slot holds a token, so tokenPresent changes nothing.</summary>
    public ulong[] GetSlotList() => [.. Remote(() => _tokens.List()).Select(t => t.SlotId)];

    public SlotDescription GetSlotInfo(ulong slotId)
    {
        var token = Remote(() => _tokens.Get(slotId));
        return new SlotDescription($"CodeSigning Signer {token.Label}", "CodeSigning", CKF.CKF_TOKEN_PRESENT);
    }

    public TokenDescription GetTokenInfo(ulong slotId)
    {
        var token = Remote(() => _tokens.Get(slotId));
        var flags = CKF.CKF_WRITE_PROTECTED | CKF.CKF_USER_PIN_INITIALIZED | CKF.CKF_TOKEN_INITIALIZED
            | (token.LoginRequired ? CKF.CKF_LOGIN_REQUIRED : 0);
        return new TokenDescription(token.Label, "CodeSigning", "Signer", token.Serial, flags, (ulong)_sessions.OnSlot(slotId).Count());
    }

    /// <summary>The mechanisms the token's key can use (all of them while a login-required token is not open).</summary>
    public ulong[] GetMechanismList(ulong slotId) => [.. Mechanisms(slotId).Select(m => m.Type)];

    public (ulong MinKeySize, ulong MaxKeySize, ulong Flags) GetMechanismInfo(ulong slotId, ulong type)
    {
        var mechanism = Mechanisms(slotId).FirstOrDefault(m => m.Type == type)
            ?? throw new Pkcs11Exception(CKR.CKR_MECHANISM_INVALID, $"mechanism 0x{type:X} is not offered by slot {slotId}");
        return ((ulong)mechanism.MinKeyBits, (ulong)mechanism.MaxKeyBits, mechanism.Flags);
    }

    private IEnumerable<Mechanism> Mechanisms(ulong slotId)
    {
        var key = Remote(() => _tokens.Get(slotId)).Snapshot?.Key;
        return MechanismTable.All.Where(m => key is null || m.KeyType == key.KeyType);
    }
}
