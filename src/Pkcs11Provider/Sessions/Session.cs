using CodeSigning.Pkcs11.Mechanisms;
using CodeSigning.Pkcs11.Tokens;

namespace CodeSigning.Pkcs11.Sessions;

/// <summary>One session: its token, and at most one find, one sign and one verify operation at a time.</summary>
public sealed class Session(ulong handle, Token token)
{
    /// <summary>Serializes calls on this session; different sessions run in parallel.</summary>
    public Lock Gate { get; } = new();

    public ulong Handle { get; } = handle;

    public Token Token { get; } = token;

    /// <summary>Handles C_FindObjects still has to return, or null outside a search.</summary>
    public Queue<ulong>? FindResults { get; set; }

    public SignatureOperation? Sign { get; set; }

    public SignatureOperation? Verify { get; set; }

    public void EndSign()
    {
        Sign?.Dispose();
        Sign = null;
    }

    public void EndVerify()
    {
        Verify?.Dispose();
        Verify = null;
    }
}
