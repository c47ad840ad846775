namespace CodeSigning.V1;

/// <summary>The google.rpc.ErrorInfo domain of every error the server reports.</summary>
public static class ErrorDomain
{
    public const string Name = "codesigning.v1";
}
