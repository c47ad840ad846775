using CodeSigning.Ksp.Cng;
using CodeSigning.Ksp.Logging;
using CodeSigning.Pkcs11.Logging;

namespace CodeSigning.Ksp;

/// <summary>
/// The one place an exception becomes a SECURITY_STATUS, called by the exception barrier every export
/// of the function table runs behind: a managed exception crossing into ncrypt.dll would end the host (signtool).
/// </summary>
public static class KspFailure
{
    public static SECURITY_STATUS ToStatus(Exception exception, string function)
    {
        try
        {
            if (exception is KspException ksp)
            {
                KspLog.CallFailed(ProviderLogging.Logger, function, ksp.Status, ksp.Message);
                return ksp.Status;
            }

            KspLog.UnexpectedFailure(ProviderLogging.Logger, function, exception);
            return exception is OutOfMemoryException ? SECURITY_STATUS.NTE_NO_MEMORY : SECURITY_STATUS.NTE_INTERNAL_ERROR;
        }
        catch
        {
            // Logging itself failed (disk full, closed stderr): the caller still gets an answer.
            return SECURITY_STATUS.NTE_INTERNAL_ERROR;
        }
    }
}
