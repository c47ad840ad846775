using CodeSigning.V1;

namespace CodeSigning.Server.Domain;

internal static class RoleNames
{
    public static string Of(Role role) => role switch
    {
        Role.Administrator => "Administrator",
        Role.Operator => "Operator",
        Role.Auditor => "Auditor",
        _ => "no",
    };
}
