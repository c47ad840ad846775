using System.CommandLine;
using CodeSigning.Cli.Output;
using CodeSigning.Cli.Parsing;
using CodeSigning.V1;
using Google.Protobuf.WellKnownTypes;

namespace CodeSigning.Cli.Commands;

/// <summary><c>csign grant</c>: pre-approval by an Administrator, and the grants in force.</summary>
internal static class GrantCommands
{
    public const string Usage = """
        usage: csign grant <verb> ...

          create --signer SIGNER --grantee P --count N [--window 1h] [--justification TEXT]   (Administrator)
          list SIGNER [--include-spent]
          revoke GRANT_ID                    (Administrator) unused signatures are dropped

        P is user:NAME or service-account:NAME (sa:NAME); a bare NAME is a user.

        """;

    public static Noun Command() => new("grant", "pre-approve signing; list and revoke grants", Usage,
        new Verb("create", "pre-approve signatures for a user or service account (Administrator)", CreateAsync,
            Flags.Text("signer", "the Signer", "SIGNER"),
            Flags.Text("grantee", "who may sign: user:NAME or service-account:NAME (sa:NAME)", "PRINCIPAL"),
            Flags.Number("count", "how many signatures", minimum: 1),
            Flags.Duration("window", "how long the grant lasts (default 1h)"),
            Flags.Text("justification", "why", "TEXT")),
        new Verb("list", "a Signer's grants", ListAsync, [.. Verbs.SignerSymbols(), Flags.Switch("include-spent", "list used-up and expired grants too")]),
        new Verb("revoke", "revoke a grant; unused signatures are dropped (Administrator)", RevokeAsync, Flags.Positional("GRANT_ID", "the grant id")));

    private static async Task CreateAsync(Invocation invocation)
    {
        var args = invocation.Args;
        var request = new CreateGrantRequest
        {
            Signer = args.Required("signer", "the Signer"),
            Grantee = PrincipalText.Parse(args.Required("grantee", "who may sign, e.g. sa:ci-bot")),
            SignaturesAllowed = args.Int("count") ?? throw CliException.Usage("missing --count (how many signatures)"),
            Window = Duration.FromTimeSpan(args.Duration("window") ?? TimeSpan.FromHours(1)),
            Justification = args.Option("justification") ?? string.Empty,
        };
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        var grant = await connection.Approvals.CreateGrantAsync(request, cancellationToken: invocation.CancellationToken).ConfigureAwait(false);
        invocation.Printer.Print(
            grant,
            ("grant", grant.Id),
            ("grantee", PrincipalText.Format(grant.Grantee)),
            ("signatures", grant.SignaturesAllowed.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("from", Printer.Time(grant.NotBefore)),
            ("until", Printer.Time(grant.NotAfter)));
    }

    private static async Task ListAsync(Invocation invocation)
    {
        var request = new ListGrantsRequest { Signer = Verbs.Signer(invocation), IncludeSpent = invocation.Args.Flag("include-spent") };
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        var grants = await connection.Approvals.ListGrantsAsync(request, cancellationToken: invocation.CancellationToken).ConfigureAwait(false);
        var table = new Table("ID", "GRANTEE", "USED", "FROM", "UNTIL", "REQUEST", "GRANTED BY", "REVOKED");
        foreach (var g in grants.Grants)
        {
            table.Add(g.Id, PrincipalText.Format(g.Grantee), $"{g.SignaturesUsed}/{g.SignaturesAllowed}", Printer.Time(g.NotBefore),
                Printer.Time(g.NotAfter), g.RequestId, PrincipalText.Format(g.GrantedBy), Printer.YesNo(g.Revoked));
        }

        invocation.Printer.Print(grants, table);
    }

    private static async Task RevokeAsync(Invocation invocation)
    {
        var id = invocation.Args.RequiredPositional("the grant id");
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        var grant = await connection.Approvals.RevokeGrantAsync(new RevokeGrantRequest { GrantId = id }, cancellationToken: invocation.CancellationToken).ConfigureAwait(false);
        invocation.Printer.Print(grant, w => w.WriteLine($"grant {grant.Id} revoked after {grant.SignaturesUsed} of {grant.SignaturesAllowed} signatures"));
    }
}
