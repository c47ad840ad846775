using System.Security.Cryptography.X509Certificates;
using System.Text;
using CodeSigning.Server.Domain;
using CodeSigning.Server.Storage;
using CodeSigning.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Mvc;

namespace CodeSigning.Server.WebConsole.Pages.Signers;

/// <summary>
/// One Signer and what may be done to it, each action the domain call its API twin makes:
/// shared by the Signer page and the create wizard's later steps.
/// </summary>
public abstract class SignerPageModel(SignerManager signers, MemberManager members, ApprovalManager approvals) : ConsolePageModel
{
    [BindProperty(SupportsGet = true)]
    public string Name { get; set; } = "";

    public SignerView? View { get; private set; }
    public IReadOnlyList<MemberRecord> Members { get; private set; } = [];
    public PolicyRecord? Policy { get; private set; }
    public IReadOnlyList<GrantRecord> Grants { get; private set; } = [];
    public IReadOnlyList<X509Certificate2> Chain { get; private set; } = [];

    /// <summary>What the caller's role allows: the page hides the rest (the domain refuses it anyway).</summary>
    public bool CanManage => View is { CallerRole: Role.Administrator, Signer.ArchivedAt: null };

    protected override void Load()
    {
        View = signers.Get(Caller, Name);
        Chain = View.Signer.Chain.Select(X509CertificateLoader.LoadCertificate).ToList();
        Members = members.ListMembers(Caller, Name);
        // Read only when there is one: asking for a missing policy is audited as a refused read.
        Policy = View.ApprovalRequired ? approvals.GetPolicy(Caller, Name) : null;
        Grants = approvals.ListGrants(Caller, Name, includeSpent: false);
    }

    public IActionResult OnGetChain()
    {
        try
        {
            var (chain, _) = signers.ExportChain(Caller, Name);
            var pem = new StringBuilder();
            foreach (var der in chain)
            {
                pem.Append(System.Security.Cryptography.PemEncoding.WriteString("CERTIFICATE", der)).Append('\n');
            }
            return File(Encoding.ASCII.GetBytes(pem.ToString()), "application/x-pem-file", $"{Name}-chain.pem");
        }
        catch (ServiceException e)
        {
            return Refused(e);
        }
    }

    public IActionResult OnGetCsr()
    {
        try
        {
            return File(Encoding.ASCII.GetBytes(signers.GetCertificateSigningRequest(Caller, Name)), "application/pkcs10", $"{Name}.csr.pem");
        }
        catch (ServiceException e)
        {
            return Refused(e);
        }
    }

    /// <param name="pem">The CA's certificate and chain as pasted: the server's chain validation reads the PEM blocks.</param>
    public IActionResult OnPostImport(string? pem) => Change(() =>
    {
        signers.ImportCertificate(Caller, Name, [Encoding.UTF8.GetBytes(pem ?? "")]);
        return "certificate imported";
    });

    public IActionResult OnPostEnabled(bool enabled) => Change(() =>
    {
        signers.SetEnabled(Caller, Name, enabled);
        return enabled ? "Signer enabled" : "Signer disabled";
    });

    public IActionResult OnPostRenew(bool newKey, int? validityDays) => Change(() =>
    {
        signers.Renew(Caller, new RenewCertificateRequest
        {
            Signer = Name,
            NewKey = newKey,
            Validity = validityDays is { } days ? Duration.FromTimeSpan(TimeSpan.FromDays(Math.Clamp(days, 1, 36500))) : null,
        });
        return newKey ? "new key and certificate" : "certificate renewed";
    });

    public IActionResult OnPostMember(PrincipalKind kind, string? member, Role role) => Change(() =>
    {
        members.SetMember(Caller, Limited(new SetMemberRequest { Signer = Name, Principal = Ref(kind, member), Role = role }));
        return $"{Display.Kind(kind)} {member} is now {Display.RoleName(role)}";
    });

    public IActionResult OnPostRemoveMember(PrincipalKind kind, string? member) => Change(() =>
    {
        members.RemoveMember(Caller, Limited(new RemoveMemberRequest { Signer = Name, Principal = Ref(kind, member) }));
        return $"{Display.Kind(kind)} {member} removed";
    });

    /// <param name="approvers">Names separated by commas or spaces; "group:NAME" or "sa:NAME" for other kinds than users.</param>
    public IActionResult OnPostPolicy(string? approvers, int approvalsRequired, long maxSignaturesPerGrant, int maxGrantWindowHours, int requestTtlHours) => Change(() =>
    {
        var policy = new ApprovalPolicy
        {
            ApprovalsRequired = approvalsRequired,
            MaxSignaturesPerGrant = maxSignaturesPerGrant,
            MaxGrantWindow = Duration.FromTimeSpan(TimeSpan.FromHours(Math.Clamp(maxGrantWindowHours, 0, 876000))),
            RequestTtl = Duration.FromTimeSpan(TimeSpan.FromHours(Math.Clamp(requestTtlHours, 0, 876000))),
        };
        foreach (var approver in (approvers ?? "").Split([',', ' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            policy.Approvers.Add(approver.Split(':', 2) switch
            {
                ["group", var group] => Ref(PrincipalKind.Group, group),
                ["sa", var account] => Ref(PrincipalKind.ServiceAccount, account),
                _ => Ref(PrincipalKind.User, approver),
            });
        }
        approvals.SetPolicy(Caller, Name, Limited(policy));
        return "approval policy saved";
    });

    public IActionResult OnPostClearPolicy() => Change(() =>
    {
        approvals.ClearPolicy(Caller, Name);
        return "approval policy removed: members who may sign sign at once";
    });

    public IActionResult OnPostPreapprove(PrincipalKind kind, string? grantee, long count, int windowMinutes, string? justification) => Change(() =>
    {
        approvals.CreateGrant(Caller, Limited(new CreateGrantRequest
        {
            Signer = Name,
            Grantee = Ref(kind, grantee),
            SignaturesAllowed = count,
            Window = Duration.FromTimeSpan(TimeSpan.FromMinutes(Math.Clamp(windowMinutes, 0, 52560000))),
            Justification = justification ?? "",
        }));
        return $"{Display.Kind(kind)} {grantee} may make {count} signature(s)";
    });

    public IActionResult OnPostRevokeGrant(string? grantId) => Change(() =>
    {
        approvals.RevokeGrant(Caller, grantId ?? "");
        return "grant revoked";
    });

    private static PrincipalRef Ref(PrincipalKind kind, string? name) => new() { Kind = kind, Name = name?.Trim() ?? "" };
}
