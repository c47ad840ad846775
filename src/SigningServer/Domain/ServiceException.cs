using CodeSigning.V1;
using Grpc.Core;

namespace CodeSigning.Server.Domain;

/// <summary>
/// The one error type of the server: a status, an <see cref="ErrorReason"/> and a message fit for
/// the caller. The API layer maps it, in one place, to a gRPC status with a google.rpc.ErrorInfo.
/// </summary>
public sealed class ServiceException(StatusCode status, ErrorReason reason, string message, IReadOnlyDictionary<string, string>? metadata = null)
    : Exception(message)
{
    public StatusCode Status { get; } = status;
    public ErrorReason Reason { get; } = reason;
    public IReadOnlyDictionary<string, string> Metadata { get; } = metadata ?? new Dictionary<string, string>();

    /// <summary>The proto name of <see cref="Reason"/> ("NOT_A_MEMBER"), as ErrorInfo carries it.</summary>
    public string ReasonName => ProtoNames.Of(Reason);

    /// <summary>
    /// The true reason when the caller is told less (a non-member hears SIGNER_NOT_FOUND, as for a
    /// Signer that does not exist): what the audit log records. Null: <see cref="Reason"/>.
    /// </summary>
    public ErrorReason? AuditedReason { get; init; }

    public string AuditedReasonName => ProtoNames.Of(AuditedReason ?? Reason);

    /// <summary>Refused by policy (as opposed to a server failure): audited as DENIED.</summary>
    public bool IsDenial => Status is not (StatusCode.Internal or StatusCode.Unavailable);

    public static ServiceException InvalidArgument(string field, string message) =>
        new(StatusCode.InvalidArgument, ErrorReason.InvalidArgument, message, new Dictionary<string, string> { ["field"] = field });

    public static ServiceException NotFound(string what) => new(StatusCode.NotFound, ErrorReason.NotFound, $"{what} does not exist");

    public static ServiceException SignerNotFound(string signer) =>
        new(StatusCode.NotFound, ErrorReason.SignerNotFound, $"no Signer with id or name '{signer}'");

    public static ServiceException RoleForbids(Role role, string operation) =>
        new(StatusCode.PermissionDenied, ErrorReason.RoleForbids, $"the {RoleNames.Of(role)} role may not {operation}");

    public static ServiceException ProductAdminRequired(string operation) =>
        new(StatusCode.PermissionDenied, ErrorReason.ProductAdminRequired, $"only a Product Admin may {operation}");

    public static ServiceException NameTaken(string what, string name) =>
        new(StatusCode.AlreadyExists, ErrorReason.NameTaken, $"{what} '{name}' already exists");

    public static ServiceException Conflict(string message) => new(StatusCode.FailedPrecondition, ErrorReason.Conflict, message);
}
