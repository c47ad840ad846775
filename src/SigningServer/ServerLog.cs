using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace CodeSigning.Server;

/// <summary>
/// Every log line of the server, source-generated. None carries a secret or key material; text a
/// caller chose (names, claimed ids) is passed through <c>DisplayText.Escape</c> first.
/// </summary>
internal static partial class ServerLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Listening on {Url} (data directory {DataDir}, key vault {VaultKind})")]
    public static partial void Listening(ILogger logger, string url, string dataDir, string vaultKind);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Call {Method} refused: {Status} {Reason}")]
    public static partial void CallRefused(ILogger logger, string method, StatusCode status, string reason);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "Failed authentications from {RemoteAddress} (credential '{CredentialId}') answered RATE_LIMITED for a minute: {FailuresPerMinute} failures per {LimitedBy} in the last minute")]
    public static partial void AuthenticationRateLimited(ILogger logger, string remoteAddress, string limitedBy, string credentialId, int failuresPerMinute);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Call {Method} failed unexpectedly")]
    public static partial void UnexpectedError(ILogger logger, string method, Exception exception);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "Key operation for Signer {Signer} failed; nothing was signed")]
    public static partial void KeyOperationFailed(ILogger logger, string signer, Exception exception);

    // Debug: the audit log already records every signature durably, and a console line per
    // signature costs the hot path formatting and console I/O at thousands per second.
    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "Signed with Signer {Signer} for {Actor} ({Scheme}, {DigestAlgorithm}), audit event {AuditEventId}")]
    public static partial void Signed(ILogger logger, string signer, string actor, string scheme, string digestAlgorithm, string auditEventId);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Authentication from {RemoteAddress} failed: {Reason}")]
    public static partial void AuthenticationFailed(ILogger logger, string remoteAddress, string reason);

    [LoggerMessage(EventId = 30, Level = LogLevel.Error, Message = "A signature for Signer {Signer} could not be recorded in the audit log; it was discarded")]
    public static partial void SignatureNotRecorded(ILogger logger, string signer, Exception exception);

    [LoggerMessage(EventId = 31, Level = LogLevel.Warning, Message = "A group of {Count} commits failed; committing each on its own")]
    public static partial void GroupCommitFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "Timestamp authority on {Url} ({Access})")]
    public static partial void TimestampListening(ILogger logger, string url, string access);

    [LoggerMessage(EventId = 41, Level = LogLevel.Information, Message = "Timestamp authority signs with certificate {SerialNumber} (key vault {VaultKind}, valid until {NotAfter:u})")]
    public static partial void TimestampCertificate(ILogger logger, string serialNumber, string vaultKind, DateTime notAfter);

    // Debug: anonymous callers choose how many rejections there are; the audit log samples them.
    [LoggerMessage(EventId = 42, Level = LogLevel.Debug, Message = "Timestamp request from {RemoteAddress} rejected: {FailInfo}, {Reason}")]
    public static partial void TimestampRejected(ILogger logger, string remoteAddress, string failInfo, string reason);

    [LoggerMessage(EventId = 43, Level = LogLevel.Error, Message = "A timestamp could not be signed; the request was answered with systemFailure")]
    public static partial void TimestampFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 44, Level = LogLevel.Error, Message = "The audit event {Type} of the timestamp authority could not be written")]
    public static partial void TimestampAuditFailed(ILogger logger, string type, Exception exception);

    [LoggerMessage(EventId = 60, Level = LogLevel.Error, Message = "No audit checkpoint written to {Path}: {Problem}")]
    public static partial void CheckpointNotWritten(ILogger logger, string path, string problem);

    [LoggerMessage(EventId = 50, Level = LogLevel.Warning, Message = "Not ready: {What} unreachable")]
    public static partial void NotReady(ILogger logger, string what, Exception exception);

    [LoggerMessage(EventId = 70, Level = LogLevel.Warning, Message = "Webhook {WebhookId} delivery {DeliveryId} attempt {Attempt} failed: {Error}")]
    public static partial void WebhookAttemptFailed(ILogger logger, string webhookId, string deliveryId, int attempt, string error);

    [LoggerMessage(EventId = 71, Level = LogLevel.Error, Message = "The webhook dispatcher failed; it tries again at its next poll")]
    public static partial void WebhookDispatchFailed(ILogger logger, Exception exception);
}
