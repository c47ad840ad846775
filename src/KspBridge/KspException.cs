using CodeSigning.Ksp.Cng;

namespace CodeSigning.Ksp;

/// <summary>A CNG failure with the SECURITY_STATUS the caller must see; the native shim returns that code.</summary>
public sealed class KspException(SECURITY_STATUS status, string message) : Exception(message)
{
    public SECURITY_STATUS Status { get; } = status;
}
