using CodeSigning.Server.Storage;
using CodeSigning.V1;
using Grpc.Core;

namespace CodeSigning.Server.Domain;

/// <summary>
/// Who may do what on a Signer, read from the store inside the caller's transaction every time:
/// a membership change is in force on the very next call.
/// </summary>
public static class SignerAccess
{
    /// <summary>The strongest of the principal's direct and group memberships of the Signer.</summary>
    public static Role EffectiveRole(IStoreSession session, Principal principal, string signerId) =>
        RoleCapabilities.Strongest(session.ListMemberships(IdentitiesOf(session, principal))
            .Where(m => m.SignerId == signerId).Select(m => m.Role));

    /// <summary>The principal itself and every group it belongs to.</summary>
    public static IReadOnlyList<string> IdentitiesOf(IStoreSession session, Principal principal) =>
        principal.Kind == PrincipalKind.Group
            ? [principal.Id]
            : [principal.Id, .. session.ListGroupsOf(principal.Id).Select(g => g.Id)];

    /// <summary>
    /// Finds the Signer and checks that the caller's role allows <paramref name="capability"/>;
    /// an archived Signer allows viewing and exporting its certificates only.
    /// </summary>
    /// <param name="operation">Names the operation in the error message ("sign", "manage members", ...).</param>
    public static (SignerRecord Signer, Role Role) Require(
        IStoreSession session, Caller caller, string signerRef, Capability capability, string operation, OperationScope? scope = null)
    {
        var signer = Find(session, signerRef);
        if (scope is not null)
        {
            scope.Signer = signer;
        }
        var role = EffectiveRole(session, caller.Principal, signer.Id);
        // Product Admins see every Signer but act on one only through a membership.
        var productAdminView = caller.ProductAdmin && capability == Capability.View;
        if (role == Role.Unspecified && !productAdminView)
        {
            throw NotAMember(caller, signer, signerRef);
        }
        if (!RoleCapabilities.Allows(role, capability) && !productAdminView)
        {
            throw ServiceException.RoleForbids(role, operation);
        }
        if (capability is not Capability.View)
        {
            RequireInService(signer);
        }
        return (signer, role);
    }

    /// <summary>
    /// A non-member is answered exactly as for a Signer that does not exist, so names cannot be
    /// probed; the audit log records NOT_A_MEMBER against the real Signer.
    /// </summary>
    /// <param name="signerRef">As the caller named it.</param>
    public static ServiceException NotAMember(Caller caller, SignerRecord signer, string signerRef) => caller.ProductAdmin
        // Product Admins see every Signer: nothing to hide from them.
        ? new(StatusCode.PermissionDenied, ErrorReason.NotAMember, $"you are not a member of Signer '{signer.Name}'",
            new Dictionary<string, string> { ["signer_id"] = signer.Id })
        : Hidden(ServiceException.SignerNotFound(signerRef));

    /// <summary>The not-found answer for a caller who may not know the object exists, audited with the true reason.</summary>
    public static ServiceException Hidden(ServiceException notFound, ErrorReason audited = ErrorReason.NotAMember) =>
        new(notFound.Status, notFound.Reason, notFound.Message, notFound.Metadata) { AuditedReason = audited };

    /// <summary>Whether the caller may know the Signer exists: a member (any role), or a Product Admin.</summary>
    public static bool IsVisible(IStoreSession session, Caller caller, string signerId) =>
        caller.ProductAdmin || EffectiveRole(session, caller.Principal, signerId) != Role.Unspecified;

    public static void RequireInService(SignerRecord signer)
    {
        if (signer.ArchivedAt is not null)
        {
            throw new ServiceException(StatusCode.FailedPrecondition, ErrorReason.SignerArchived,
                $"Signer '{signer.Name}' is archived: it signs no more and does not change; its audit log and certificates are kept",
                new Dictionary<string, string> { ["signer_id"] = signer.Id });
        }
    }

    public static SignerRecord Find(IStoreSession session, string signerRef)
    {
        RequireRef(signerRef);
        return session.FindSigner(signerRef) ?? throw ServiceException.SignerNotFound(signerRef);
    }

    /// <summary>What signing needs to know: the Signer without its chain, the caller's role, the policy.</summary>
    public static SignAuthorization ForSigning(IStoreSession session, Caller caller, string signerRef)
    {
        RequireRef(signerRef);
        var (signer, hasChain) = session.FindSignerWithoutChain(signerRef) ?? throw ServiceException.SignerNotFound(signerRef);
        return new SignAuthorization(signer, hasChain, EffectiveRole(session, caller.Principal, signer.Id), session.GetPolicy(signer.Id));
    }

    private static void RequireRef(string signerRef)
    {
        if (string.IsNullOrWhiteSpace(signerRef))
        {
            throw ServiceException.InvalidArgument("signer", "signer (id or name) is required");
        }
    }
}
