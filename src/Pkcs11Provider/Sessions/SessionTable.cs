using System.Collections.Concurrent;
using CodeSigning.Pkcs11.Cryptoki;
using CodeSigning.Pkcs11.Tokens;

namespace CodeSigning.Pkcs11.Sessions;

/// <summary>The open sessions of the module, by handle (never reused within the module's life).</summary>
public sealed class SessionTable
{
    private readonly ConcurrentDictionary<ulong, Session> _sessions = new();
    private long _lastHandle;

    public Session Open(Token token)
    {
        var session = new Session((ulong)Interlocked.Increment(ref _lastHandle), token);
        _sessions[session.Handle] = session;
        return session;
    }

    public Session Get(ulong handle) =>
        _sessions.TryGetValue(handle, out var session)
            ? session
            : throw new Pkcs11Exception(CKR.CKR_SESSION_HANDLE_INVALID, $"no session {handle}");

    /// <summary>Closes one session; true when it was the last one on its slot.</summary>
    public bool Close(ulong handle)
    {
        if (!_sessions.TryRemove(handle, out var session))
        {
            throw new Pkcs11Exception(CKR.CKR_SESSION_HANDLE_INVALID, $"no session {handle}");
        }

        lock (session.Gate)
        {
            session.EndSign();
            session.EndVerify();
        }

        return !_sessions.Values.Any(s => s.Token.SlotId == session.Token.SlotId);
    }

    public void CloseAll(ulong slotId)
    {
        foreach (var session in OnSlot(slotId).ToList())
        {
            if (_sessions.TryRemove(session.Handle, out _))
            {
                lock (session.Gate)
                {
                    session.EndSign();
                    session.EndVerify();
                }
            }
        }
    }

    public IEnumerable<Session> OnSlot(ulong slotId) => _sessions.Values.Where(s => s.Token.SlotId == slotId);
}
