using CodeSigning.Pkcs11.Cryptoki;
using Microsoft.Extensions.Logging;

namespace CodeSigning.Pkcs11.Logging;

/// <summary>Every log line of the module. Never pass a PIN, API key, key material or token here.</summary>
internal static partial class ProviderLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "CodeSigning PKCS#11 module {Version} initialized")]
    public static partial void Initialized(ILogger logger, Version version);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "CodeSigning PKCS#11 module finalized")]
    public static partial void Finalized(ILogger logger);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "{Function} returned {Result}: {Reason}")]
    public static partial void CallFailed(ILogger logger, string function, CKR result, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "{Function} failed unexpectedly; returning an error to the caller")]
    public static partial void UnexpectedFailure(ILogger logger, string function, Exception exception);
}
