using System.Globalization;
using CodeSigning.Server.Storage;
using CodeSigning.V1;
using Grpc.Core;

namespace CodeSigning.Server.Domain;

/// <summary>
/// A policy must be able to collect its approvals: at least approvals_required distinct enabled
/// users and service accounts among its approvers, groups expanded. Setting a policy, removing a
/// group member and deleting a group are refused when they would break that.
/// </summary>
public static class PolicySatisfiability
{
    public static void Require(IStoreSession session, SignerRecord signer, PolicyRecord policy)
    {
        var possible = PossibleApprovers(session, policy.Approvers);
        if (possible < policy.ApprovalsRequired)
        {
            throw new ServiceException(StatusCode.FailedPrecondition, ErrorReason.PolicyUnsatisfiable,
                $"the approval policy of Signer '{signer.Name}' needs {policy.ApprovalsRequired} approvals but only {possible} users or service accounts could give them",
                new Dictionary<string, string>
                {
                    ["signer_id"] = signer.Id,
                    ["approvers"] = possible.ToString(CultureInfo.InvariantCulture),
                    ["approvals_required"] = policy.ApprovalsRequired.ToString(CultureInfo.InvariantCulture),
                });
        }
    }

    /// <summary>The Signers whose policy names <paramref name="principalId"/> as an approver: check them again after changing it.</summary>
    public static IReadOnlyList<SignerRecord> SignersApprovedBy(IStoreSession session, string principalId) =>
        session.ListSigners().Where(s => session.GetPolicy(s.Id)?.Approvers.Any(a => a.Id == principalId) == true).ToList();

    public static void RequireAll(IStoreSession session, IEnumerable<SignerRecord> signers)
    {
        foreach (var signer in signers)
        {
            Require(session, signer, session.GetPolicy(signer.Id) ?? new PolicyRecord(signer.Id, [], 1, 0, TimeSpan.Zero, TimeSpan.Zero));
        }
    }

    private static int PossibleApprovers(IStoreSession session, IEnumerable<Principal> approvers) => approvers
        .SelectMany(a => a.Kind == PrincipalKind.Group ? session.ListGroupMembers(a.Id) : [a])
        .Where(p => p.Kind switch
        {
            PrincipalKind.User => session.FindUser(p.Id)?.Enabled == true,
            PrincipalKind.ServiceAccount => session.FindServiceAccount(p.Id)?.Enabled == true,
            _ => false,
        })
        .Select(p => p.Id).Distinct().Count();
}
