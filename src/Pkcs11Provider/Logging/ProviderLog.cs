using CodeSigning.Pkcs11.Cryptoki;
using Grpc.Core;
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

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "C_Initialize refused: {Problem}")]
    public static partial void ConfigurationRefused(ILogger logger, string problem);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error,
        Message = "C_Initialize refused in a fork() child of process {ParentPid}: the runtime's threads did not survive fork(), so the module cannot reach the server from this process; exec a new process to sign")]
    public static partial void ForkedChildRefused(ILogger logger, int parentPid);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "server {Server} unreachable ({Status}), trying again: {Detail}")]
    public static partial void RetryingServer(ILogger logger, Uri server, StatusCode status, string detail);

    [LoggerMessage(EventId = 11, Level = LogLevel.Error, Message = "no server answered (last {Server}, {Attempts} attempts): {Detail}")]
    public static partial void ServerUnreachable(ILogger logger, Uri server, int attempts, string detail);

    [LoggerMessage(EventId = 15, Level = LogLevel.Error, Message = "the TLS certificate of {Server} is not trusted by {TrustedBy}: {Problem}")]
    public static partial void ServerCertificateRejected(ILogger logger, Uri server, string trustedBy, string problem);

    [LoggerMessage(EventId = 14, Level = LogLevel.Error, Message = "the server refused: {Reason}: {Detail}")]
    public static partial void ServerRefused(ILogger logger, string reason, string detail);

    [LoggerMessage(EventId = 12, Level = LogLevel.Debug, Message = "{Count} Signers listed")]
    public static partial void SignersListed(ILogger logger, int count);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "Signer list not refreshed, keeping the cached one: {Detail}")]
    public static partial void SignerListStale(ILogger logger, string detail);

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "signed with {Signer} (correlation id {CorrelationId}, audit event {AuditEventId})")]
    public static partial void Signed(ILogger logger, string signer, string correlationId, string auditEventId);

    [LoggerMessage(EventId = 21, Level = LogLevel.Error,
        Message = "Signer {Signer} needs an approved signing request before it signs ({Detail}; correlation id {CorrelationId}); ask for one with: csign request create --signer {SignerName} --count 1 --justification \"<why>\"")]
    public static partial void ApprovalRequired(ILogger logger, string signer, string detail, string correlationId, string signerName);

    [LoggerMessage(EventId = 22, Level = LogLevel.Error, Message = "Signer {Signer} refused to sign: {Reason}: {Detail} (correlation id {CorrelationId})")]
    public static partial void SignRejected(ILogger logger, string signer, string reason, string detail, string correlationId);

    [LoggerMessage(EventId = 23, Level = LogLevel.Error, Message = "signing with {Signer} failed: {Status}: {Detail} (correlation id {CorrelationId})")]
    public static partial void SignFailed(ILogger logger, string signer, StatusCode status, string detail, string correlationId);

    [LoggerMessage(EventId = 24, Level = LogLevel.Warning, Message = "Signer {Signer} needs an approval: waiting up to {Seconds} s for signing request {RequestId} (correlation id {CorrelationId})")]
    public static partial void WaitingForApproval(ILogger logger, string signer, string requestId, int seconds, string correlationId);

    [LoggerMessage(EventId = 25, Level = LogLevel.Information, Message = "module counters: {Counters}")]
    public static partial void Counters(ILogger logger, string counters);
}
