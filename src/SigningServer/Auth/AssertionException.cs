namespace CodeSigning.Server.Auth;

/// <summary>A service-account assertion was refused; the message says precisely why (reported as ASSERTION_INVALID).</summary>
public sealed class AssertionException : Exception
{
    public AssertionException()
    {
    }

    public AssertionException(string message)
        : base(message)
    {
    }

    public AssertionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
