using CodeSigning.Pkcs11.Cryptoki;
using CodeSigning.Pkcs11.Mechanisms;

namespace CodeSigning.Pkcs11.Sessions;

/// <summary>
/// One call on a session's sign or verify operation (C_Sign*, C_Verify* after the Init), holding the
/// session's lock. PKCS#11 5.2's rule lives here alone: the call ends the operation unless it
/// <see cref="Continue"/>s it (a part added, a size answered, CKR_BUFFER_TOO_SMALL), so any failure,
/// of an argument, the mechanism or the server, ends it.
/// </summary>
internal sealed class OperationCall : IDisposable
{
    private readonly Session _session;
    private readonly bool _verify;
    private bool _continues;

    private OperationCall(Session session, bool verify)
    {
        _session = session;
        _verify = verify;
        session.Gate.Enter();
    }

    /// <summary>The active operation, or CKR_OPERATION_NOT_INITIALIZED.</summary>
    public SignatureOperation Operation => (_verify ? _session.Verify : _session.Sign)
        ?? throw new Pkcs11Exception(CKR.CKR_OPERATION_NOT_INITIALIZED, _verify ? "C_VerifyInit was not called" : "C_SignInit was not called");

    public static OperationCall Sign(Session session) => new(session, verify: false);

    public static OperationCall Verify(Session session) => new(session, verify: true);

    /// <summary>The call keeps the operation going: it answered a size or took a part.</summary>
    public void Continue() => _continues = true;

    public void Dispose()
    {
        try
        {
            if (_continues)
            {
                return;
            }

            if (_verify)
            {
                _session.EndVerify();
            }
            else
            {
                _session.EndSign();
            }
        }
        finally
        {
            _session.Gate.Exit();
        }
    }
}
