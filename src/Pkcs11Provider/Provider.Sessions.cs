using CodeSigning.Pkcs11.Cryptoki;
using CodeSigning.Pkcs11.Sessions;
using CodeSigning.Pkcs11.Tokens;

namespace CodeSigning.Pkcs11;

/// <summary>Sessions and login (C_OpenSession ... C_Logout).</summary>
public sealed partial class Provider
{
    public ulong OpenSession(ulong slotId, ulong flags)
    {
        if ((flags & CKF.CKF_SERIAL_SESSION) == 0)
        {
            throw new Pkcs11Exception(CKR.CKR_SESSION_PARALLEL_NOT_SUPPORTED, "CKF_SERIAL_SESSION must be set");
        }

        var token = Remote(() => _tokens.Get(slotId));
        if ((flags & CKF.CKF_RW_SESSION) != 0)
        {
            throw new Pkcs11Exception(CKR.CKR_TOKEN_WRITE_PROTECTED, "the token is write-protected: only read-only sessions");
        }

        return _sessions.Open(token).Handle;
    }

    public void CloseSession(ulong handle)
    {
        var slotId = _sessions.Get(handle).Token.SlotId;
        if (_sessions.Close(handle))
        {
            // The last session of a slot closing logs the application out of its token.
            _logins.TryRemove(slotId, out _);
        }
    }

    public void CloseAllSessions(ulong slotId)
    {
        _ = Remote(() => _tokens.Get(slotId));
        _sessions.CloseAll(slotId);
        _logins.TryRemove(slotId, out _);
    }

    public SessionDescription GetSessionInfo(ulong handle)
    {
        var session = _sessions.Get(handle);
        var state = _logins.ContainsKey(session.Token.SlotId) ? CKS.CKS_RO_USER_FUNCTIONS : CKS.CKS_RO_PUBLIC_SESSION;
        return new SessionDescription(session.Token.SlotId, state, CKF.CKF_SERIAL_SESSION);
    }

    /// <summary>
    /// With credentials in the configuration any PIN is accepted (SunPKCS11 and libp11 log in
    /// regardless); without, the PIN is the caller's API key and opens the Signer with it.
    /// </summary>
    public void Login(ulong handle, ulong userType, string pin)
    {
        var session = _sessions.Get(handle);
        if (userType != CKU.CKU_USER)
        {
            throw new Pkcs11Exception(CKR.CKR_USER_TYPE_INVALID,
                "only CKU_USER logs in: there is no security officer and no key needs context-specific login");
        }

        var token = session.Token;
        if (!token.LoginRequired)
        {
            _logins[token.SlotId] = "";
            return;
        }

        if (_logins.ContainsKey(token.SlotId))
        {
            throw new Pkcs11Exception(CKR.CKR_USER_ALREADY_LOGGED_IN, $"already logged in to {token.Label}");
        }

        if (pin.Length == 0)
        {
            throw new Pkcs11Exception(CKR.CKR_PIN_INCORRECT, "the PIN must be an API key");
        }

        Remote(() =>
        {
            _tokens.Open(token, pin);
            return 0;
        }, RemoteFailure.During.Login);
        _logins[token.SlotId] = pin;
    }

    public void Logout(ulong handle)
    {
        var session = _sessions.Get(handle);
        if (!_logins.TryRemove(session.Token.SlotId, out _))
        {
            throw new Pkcs11Exception(CKR.CKR_USER_NOT_LOGGED_IN, "not logged in");
        }
    }

    /// <summary>The bearer that signs for this token: the configured credential, or the API key given as PIN.</summary>
    private string BearerFor(Token token)
    {
        if (!token.LoginRequired)
        {
            return Remote(() => _credential!.GetBearer(_remote));
        }

        return _logins.TryGetValue(token.SlotId, out var bearer)
            ? bearer
            : throw new Pkcs11Exception(CKR.CKR_USER_NOT_LOGGED_IN, $"log in to {token.Label} with an API key as PIN first");
    }

    /// <summary>Private objects are visible once logged in, or always when the configuration holds credentials.</summary>
    private bool SeesPrivateObjects(Token token) => !token.LoginRequired || _logins.ContainsKey(token.SlotId);
}
