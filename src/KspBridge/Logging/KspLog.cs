using CodeSigning.Ksp.Cng;
using Microsoft.Extensions.Logging;

namespace CodeSigning.Ksp.Logging;

/// <summary>
/// Every log line of the KSP, written through the PKCS#11 module's sink (stderr or the configured
/// log file). Never pass an API key, token or key material here.
/// </summary>
internal static partial class KspLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "CodeSigning KSP {Version} opened provider {Handle}")]
    public static partial void ProviderOpened(ILogger logger, Version version, nuint handle);

    [LoggerMessage(EventId = 101, Level = LogLevel.Error, Message = "OpenProvider refused: {Problem}")]
    public static partial void ConfigurationRefused(ILogger logger, string problem);

    [LoggerMessage(EventId = 102, Level = LogLevel.Debug, Message = "{Function} returned {Status}: {Reason}")]
    public static partial void CallFailed(ILogger logger, string function, SECURITY_STATUS status, string reason);

    [LoggerMessage(EventId = 103, Level = LogLevel.Error, Message = "{Function} failed unexpectedly; returning an error to the caller")]
    public static partial void UnexpectedFailure(ILogger logger, string function, Exception exception);
}
