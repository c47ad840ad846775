using CodeSigning.Pkcs11.Cryptoki;
using CodeSigning.Pkcs11.Logging;

namespace CodeSigning.Pkcs11;

/// <summary>
/// The one place an exception becomes a CK_RV, called by the exception barrier every C_* export runs
/// behind: a managed exception that crossed the C boundary would abort the host process (a JVM, openssl).
/// </summary>
public static class CallFailure
{
    public static CKR ToResult(Exception exception, string function)
    {
        try
        {
            if (exception is Pkcs11Exception pkcs11)
            {
                ModuleCounters.Failed(pkcs11.Result);
                ProviderLog.CallFailed(ProviderLogging.Logger, function, pkcs11.Result, pkcs11.Message);
                return pkcs11.Result;
            }

            ProviderLog.UnexpectedFailure(ProviderLogging.Logger, function, exception);
            var result = exception is OutOfMemoryException ? CKR.CKR_HOST_MEMORY : CKR.CKR_GENERAL_ERROR;
            ModuleCounters.Failed(result);
            return result;
        }
        catch
        {
            // Logging itself failed (disk full, closed stderr): the caller still gets an answer.
            return CKR.CKR_GENERAL_ERROR;
        }
    }
}
