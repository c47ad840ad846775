using CodeSigning.V1;

namespace CodeSigning.Server.Domain;

/// <summary>The roles table, in one place.</summary>
public static class RoleCapabilities
{
    public static bool Allows(Role role, Capability capability) => role switch
    {
        Role.Administrator => true,
        Role.Operator => capability is Capability.Sign or Capability.View,
        Role.Auditor => capability is Capability.View,
        _ => false,
    };

    /// <summary>The strongest of several roles (direct and through groups).</summary>
    public static Role Strongest(IEnumerable<Role> roles) =>
        roles.Where(r => r != Role.Unspecified).DefaultIfEmpty(Role.Unspecified).Min();
}
