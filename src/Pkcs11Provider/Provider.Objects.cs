using CodeSigning.Pkcs11.Cryptoki;
using CodeSigning.Pkcs11.Objects;
using CodeSigning.Pkcs11.Sessions;

namespace CodeSigning.Pkcs11;

/// <summary>Object search and attributes (C_FindObjects*, C_GetAttributeValue).</summary>
public sealed partial class Provider
{
    public void FindObjectsInit(ulong handle, IReadOnlyList<TemplateAttribute> template)
    {
        var session = _sessions.Get(handle);
        lock (session.Gate)
        {
            if (session.FindResults is not null)
            {
                throw new Pkcs11Exception(CKR.CKR_OPERATION_ACTIVE, "a search is already active on this session");
            }

            session.FindResults = new Queue<ulong>(VisibleObjects(session).Where(o => o.Matches(template)).Select(o => o.Handle));
        }
    }

    public ulong[] FindObjects(ulong handle, int maxCount)
    {
        var session = _sessions.Get(handle);
        lock (session.Gate)
        {
            var results = session.FindResults ?? throw new Pkcs11Exception(CKR.CKR_OPERATION_NOT_INITIALIZED, "C_FindObjectsInit was not called");
            var found = new ulong[Math.Min(maxCount, results.Count)];
            for (var i = 0; i < found.Length; i++)
            {
                found[i] = results.Dequeue();
            }

            return found;
        }
    }

    public void FindObjectsFinal(ulong handle)
    {
        var session = _sessions.Get(handle);
        lock (session.Gate)
        {
            if (session.FindResults is null)
            {
                throw new Pkcs11Exception(CKR.CKR_OPERATION_NOT_INITIALIZED, "C_FindObjectsInit was not called");
            }

            session.FindResults = null;
        }
    }

    /// <summary>Fills <paramref name="template"/> and returns the call's CK_RV (OK, or the last per-attribute failure).</summary>
    public CKR GetAttributeValue(ulong handle, ulong objectHandle, IReadOnlyList<AttributeRead> template) =>
        FindObject(_sessions.Get(handle), objectHandle).Read(template);

    /// <summary>C_GetObjectSize: the size is not meaningful for objects held on the server.</summary>
    public ulong GetObjectSize(ulong handle, ulong objectHandle)
    {
        _ = FindObject(_sessions.Get(handle), objectHandle);
        return CkUlong.CK_UNAVAILABLE_INFORMATION;
    }

    /// <summary>
    /// Object creation, copy, destruction and attribute changes, C_InitPIN and C_SetPIN: every
    /// session is read-only because the tokens are write-protected.
    /// </summary>
    public void RefuseModification(ulong handle, string what)
    {
        _ = _sessions.Get(handle);
        throw new Pkcs11Exception(CKR.CKR_SESSION_READ_ONLY, $"{what}: the token is write-protected and every session read-only");
    }

    /// <summary>C_InitToken: the Signer's key and certificates are managed on the server.</summary>
    public void RefuseInitToken(ulong slotId)
    {
        _ = Remote(() => _tokens.Get(slotId));
        throw new Pkcs11Exception(CKR.CKR_TOKEN_WRITE_PROTECTED, "tokens are initialized on the server (csign), not through PKCS#11");
    }

    private TokenObject FindObject(Session session, ulong objectHandle) =>
        VisibleObjects(session).FirstOrDefault(o => o.Handle == objectHandle)
        ?? throw new Pkcs11Exception(CKR.CKR_OBJECT_HANDLE_INVALID, $"no object {objectHandle} on {session.Token.Label}");

    private IEnumerable<TokenObject> VisibleObjects(Session session)
    {
        var all = session.Token.Objects;
        return SeesPrivateObjects(session.Token) ? all : all.Where(o => o.Class != CKO.CKO_PRIVATE_KEY);
    }
}
