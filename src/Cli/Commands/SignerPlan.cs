using CodeSigning.Cli.Parsing;
using CodeSigning.V1;
using Google.Protobuf.WellKnownTypes;

namespace CodeSigning.Cli.Commands;

/// <summary>
/// The four steps of creating a Signer (name and key; CA; members; approval policy), gathered from
/// flags for scripts or from prompts for people. Both end in the same request, so they cannot differ.
/// </summary>
internal sealed record SignerPlan(CreateSignerRequest Request, ApprovalPolicy? Policy)
{
    private const string DefaultAlgorithm = "rsa-3072";

    public static SignerPlan FromFlags(Arguments args)
    {
        var request = NewRequest(
            args.Required("name", "the new Signer's name"),
            args.Option("algorithm") ?? DefaultAlgorithm,
            args.Option("ca") ?? "internal",
            args.Option("subject"),
            args.Duration("validity"));
        request.Description = args.Option("description") ?? string.Empty;
        AddMembers(request, Role.Administrator, args.Options("admin"));
        AddMembers(request, Role.Operator, args.Options("operator"));
        AddMembers(request, Role.Auditor, args.Options("auditor"));
        var policy = PolicyCommands.Build(args.Options("approver"), args.Int("approvals-required"), null, null, null);
        return new SignerPlan(request, policy);
    }

    public static SignerPlan Prompt(Invocation invocation)
    {
        var context = invocation.Context;
        context.Error.WriteLine("Step 1 of 4: name and key");
        var name = context.Prompt("Signer name");
        var algorithm = context.Prompt($"Key algorithm ({EnumText<KeyAlgorithm>.Choices})", DefaultAlgorithm);

        context.Error.WriteLine("Step 2 of 4: certificate authority");
        var ca = context.Prompt("CA (internal: the server issues the certificate; external: you get a CSR)", "internal");
        var subject = context.Prompt("Certificate subject", $"CN={name}");
        var validity = ca == "internal" ? DurationText.Parse(context.Prompt("Validity", "365d"), "validity") : (TimeSpan?)null;
        var request = NewRequest(name, algorithm, ca, subject, validity);

        context.Error.WriteLine("Step 3 of 4: members (comma-separated, e.g. user:alice, sa:ci-bot, group:release)");
        AddMembers(request, Role.Administrator, List(context.Prompt("Administrators (empty: you)", string.Empty)));
        AddMembers(request, Role.Operator, List(context.Prompt("Operators", string.Empty)));
        AddMembers(request, Role.Auditor, List(context.Prompt("Auditors", string.Empty)));

        context.Error.WriteLine("Step 4 of 4: approval policy (empty: members sign without approval)");
        var approvers = List(context.Prompt("Approvers", string.Empty));
        var required = approvers.Count == 0 ? (int?)null : ParseCount(context.Prompt("Approvals required per request", "1"));
        return new SignerPlan(request, PolicyCommands.Build(approvers, required, null, null, null));
    }

    private static CreateSignerRequest NewRequest(string name, string algorithm, string ca, string? subject, TimeSpan? validity)
    {
        var request = new CreateSignerRequest
        {
            Name = name,
            KeyAlgorithm = EnumText<KeyAlgorithm>.Parse(algorithm, "the key algorithm"),
            CertificateAuthority = EnumText<CertificateAuthorityKind>.Parse(ca, "the CA"),
            Subject = subject ?? string.Empty,
        };
        if (validity is { } value)
        {
            if (request.CertificateAuthority != CertificateAuthorityKind.Internal)
            {
                throw CliException.Usage("--validity applies to the internal CA only; an external CA decides it");
            }

            request.Validity = Duration.FromTimeSpan(value);
        }

        return request;
    }

    private static void AddMembers(CreateSignerRequest request, Role role, IEnumerable<string> principals) =>
        request.Members.Add(principals.Select(p => new MemberSpec { Principal = PrincipalText.Parse(p), Role = role }));

    private static List<string> List(string text) =>
        [.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];

    private static int ParseCount(string text) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw CliException.Usage($"approvals required must be a positive whole number, not \"{text}\"");
}
