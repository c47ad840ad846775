using System.CommandLine;
using CodeSigning.Cli.Parsing;
using CodeSigning.V1;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace CodeSigning.Cli.Commands;

/// <summary><c>csign policy</c>: a Signer's approval policy.</summary>
internal static class PolicyCommands
{
    public const string Usage = """
        usage: csign policy <verb> ...

          show SIGNER
          set SIGNER --approver P [--approver P]... [--approvals-required 1]
                     [--max-signatures N] [--max-window 8h] [--request-ttl 24h]
                     [--self-preapproval allow|forbid]
                                       create the policy, or change only the settings named
                                       (--max-signatures 0 / --max-window 0s remove a cap);
                                       pending requests are cancelled when a policy changes
          clear SIGNER                 members who may sign then sign without approval
                                       (pending requests are cancelled)

        With a policy, signing needs a live grant: csign request create, then an approver's
        csign request approve; or an Administrator's csign grant create.

        """;

    public static Noun Command() => new("policy", "a Signer's approval policy", Usage,
        new Verb("show", "the Signer's approval policy", ShowAsync, Verbs.SignerSymbols()),
        new Verb("set", "create the policy, or change only the settings named; pending requests are cancelled", SetAsync,
            [.. Verbs.SignerSymbols(),
             Flags.Repeated("approver", "who may approve: user:NAME, service-account:NAME (sa:NAME) or group:NAME", "PRINCIPAL"),
             Flags.Number("approvals-required", "approvals a request needs (default 1)", minimum: 1),
             Flags.Number("max-signatures", "the most signatures one grant may allow; 0 removes the cap"),
             Flags.Duration("max-window", "the longest window a grant may have, e.g. 8h"),
             Flags.Duration("request-ttl", "how long a request waits for decisions, e.g. 24h"),
             Flags.OneOf("self-preapproval", "whether an Administrator may grant themselves signatures", "allow", "forbid")]),
        new Verb("clear", "remove the policy: members who may sign then sign without approval", ClearAsync, Verbs.SignerSymbols()));

    /// <summary>The policy the options describe, or null when they name no approver.</summary>
    public static ApprovalPolicy? Build(IReadOnlyList<string> approvers, int? required, int? maxSignatures, TimeSpan? maxWindow, TimeSpan? requestTtl)
    {
        if (approvers.Count == 0)
        {
            return required is null && maxSignatures is null && maxWindow is null && requestTtl is null
                ? null
                : throw CliException.Usage("an approval policy needs at least one --approver");
        }

        var policy = new ApprovalPolicy { ApprovalsRequired = required ?? 1, MaxSignaturesPerGrant = maxSignatures ?? 0 };
        policy.Approvers.Add(approvers.Select(PrincipalText.Parse));
        if (maxWindow is { } window)
        {
            policy.MaxGrantWindow = Duration.FromTimeSpan(window);
        }

        if (requestTtl is { } ttl)
        {
            policy.RequestTtl = Duration.FromTimeSpan(ttl);
        }

        return policy;
    }

    /// <summary>Only the settings named: the server keeps the others as they are (field presence).</summary>
    private static ApprovalPolicy Edit(Arguments args)
    {
        var policy = new ApprovalPolicy();
        policy.Approvers.Add(args.Options("approver").Select(PrincipalText.Parse));
        if (args.Int("approvals-required") is { } required)
        {
            policy.ApprovalsRequired = required;
        }

        if (args.Int("max-signatures") is { } maxSignatures)
        {
            policy.MaxSignaturesPerGrant = maxSignatures;
        }

        if (args.Duration("max-window") is { } window)
        {
            policy.MaxGrantWindow = Duration.FromTimeSpan(window);
        }

        if (args.Duration("request-ttl") is { } ttl)
        {
            policy.RequestTtl = Duration.FromTimeSpan(ttl);
        }

        if (args.Option("self-preapproval") is { } self)
        {
            policy.AllowSelfPreapproval = self switch
            {
                "allow" => true,
                "forbid" => false,
                _ => throw CliException.Usage($"--self-preapproval must be allow or forbid, not \"{self}\""),
            };
        }

        return policy.CalculateSize() > 0
            ? policy
            : throw CliException.Usage("name a setting to set: --approver, --approvals-required, --max-signatures, --max-window, --request-ttl or --self-preapproval (csign policy clear removes the policy)");
    }

    private static async Task ShowAsync(Invocation invocation)
    {
        var signer = Verbs.Signer(invocation);
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        ApprovalPolicy policy;
        try
        {
            policy = await connection.Approvals.GetApprovalPolicyAsync(
                new GetApprovalPolicyRequest { Signer = signer }, cancellationToken: invocation.CancellationToken).ConfigureAwait(false);
        }
        catch (RpcException e) when (e.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason == "NOT_FOUND")
        {
            // The Signer exists (else SIGNER_NOT_FOUND) and has no policy: a normal state, not an error.
            policy = new ApprovalPolicy();
        }

        Show(invocation, signer, policy);
    }

    private static async Task SetAsync(Invocation invocation)
    {
        var args = invocation.Args;
        var signer = Verbs.Signer(invocation);
        var policy = Edit(args);
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        policy = await connection.Approvals.SetApprovalPolicyAsync(
            new SetApprovalPolicyRequest { Signer = signer, Policy = policy }, cancellationToken: invocation.CancellationToken).ConfigureAwait(false);
        Show(invocation, signer, policy);
    }

    private static async Task ClearAsync(Invocation invocation)
    {
        var signer = Verbs.Signer(invocation);
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        var empty = await connection.Approvals.ClearApprovalPolicyAsync(
            new ClearApprovalPolicyRequest { Signer = signer }, cancellationToken: invocation.CancellationToken).ConfigureAwait(false);
        invocation.Printer.Print(empty, w => w.WriteLine($"{signer}: approval policy cleared; members who may sign sign at once"));
    }

    private static void Show(Invocation invocation, string signer, ApprovalPolicy policy)
    {
        if (policy.Approvers.Count == 0)
        {
            invocation.Printer.Print(policy, w => w.WriteLine($"{signer}: no approval policy; members who may sign sign at once"));
            return;
        }

        invocation.Printer.Print(
            policy,
            ("signer", signer),
            ("approvers", string.Join(", ", policy.Approvers.Select(PrincipalText.Format))),
            ("approvals required", policy.ApprovalsRequired.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("max signatures", policy.MaxSignaturesPerGrant == 0 ? "no cap" : policy.MaxSignaturesPerGrant.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("max window", policy.MaxGrantWindow is null || policy.MaxGrantWindow.ToTimeSpan() == TimeSpan.Zero ? "no cap" : DurationText.Format(policy.MaxGrantWindow.ToTimeSpan())),
            ("request ttl", policy.RequestTtl is null ? "24h" : DurationText.Format(policy.RequestTtl.ToTimeSpan())),
            ("self-pre-approval", policy.AllowSelfPreapproval ? "allowed" : "forbidden"));
    }
}
