using CodeSigning.Server.Storage;
using CodeSigning.V1;

namespace CodeSigning.Server.Domain;

/// <summary>Turns a request's PrincipalRef (kind + name, or id) into a stored principal.</summary>
public static class PrincipalResolver
{
    public static Principal Resolve(IStoreSession session, PrincipalRef? reference, string field)
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
            PrincipalKind.User => session.FindUser(key) is { } u ? new Principal(PrincipalKind.User, u.Id, u.Name) : throw ServiceException.NotFound($"user '{key}'"),
            PrincipalKind.ServiceAccount => session.FindServiceAccount(key) is { } s
                ? new Principal(PrincipalKind.ServiceAccount, s.Id, s.Name)
                : throw ServiceException.NotFound($"service account '{key}'"),
            PrincipalKind.Group => session.FindGroup(key) is { } g ? new Principal(PrincipalKind.Group, g.Id, g.Name) : throw ServiceException.NotFound($"group '{key}'"),
            _ => throw ServiceException.InvalidArgument(field, $"{field}: unknown principal kind"),
        };
    }
}
