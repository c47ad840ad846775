using CodeSigning.Server.Storage;
using CodeSigning.V1;
using Grpc.Core;

namespace CodeSigning.Server.Domain;

/// <summary>Turns a request's PrincipalRef (kind + name, or id) into a stored principal.</summary>
public static class PrincipalResolver
{
    /// <param name="joining">The principal is being given something (a role, a group, an approver's seat, a grant): an archived one is refused.</param>
    public static Principal Resolve(IStoreSession session, PrincipalRef? reference, string field, bool joining = false)
    {
        if (reference is null || reference.Kind == PrincipalKind.Unspecified)
        {
            throw ServiceException.InvalidArgument(field, $"{field}: a principal kind (user, service account, group) is required");
        }
        var key = reference.Id.Length > 0 ? reference.Id : reference.Name;
        if (key.Length == 0)
        {
            throw ServiceException.InvalidArgument(field, $"{field}: a principal name or id is required");
        }
        return reference.Kind switch
        {
            PrincipalKind.User => session.FindUser(key) is { } u
                ? Active(new Principal(PrincipalKind.User, u.Id, u.Name), joining ? u.ArchivedAt : null)
                : throw ServiceException.NotFound($"user '{key}'"),
            PrincipalKind.ServiceAccount => session.FindServiceAccount(key) is { } s
                ? Active(new Principal(PrincipalKind.ServiceAccount, s.Id, s.Name), joining ? s.ArchivedAt : null)
                : throw ServiceException.NotFound($"service account '{key}'"),
            PrincipalKind.Group => session.FindGroup(key) is { } g ? new Principal(PrincipalKind.Group, g.Id, g.Name) : throw ServiceException.NotFound($"group '{key}'"),
            _ => throw ServiceException.InvalidArgument(field, $"{field}: unknown principal kind"),
        };
    }

    public static void RequireActive(DateTimeOffset? archivedAt, string what, string name)
    {
        if (archivedAt is not null)
        {
            throw new ServiceException(StatusCode.FailedPrecondition, ErrorReason.PrincipalArchived, $"{what} '{name}' is archived and takes part in nothing any more");
        }
    }

    private static Principal Active(Principal principal, DateTimeOffset? archivedAt)
    {
        RequireActive(archivedAt, principal.Kind == PrincipalKind.User ? "user" : "service account", principal.Name);
        return principal;
    }
}
