using System.CommandLine;
using CodeSigning.Cli.Output;
using CodeSigning.Cli.Parsing;
using Google.Protobuf.WellKnownTypes;

namespace CodeSigning.Cli.Commands;

/// <summary><c>csign whoami</c>: the principal behind the configured credential.</summary>
internal static class WhoAmICommand
{
    private const string Details = """
        Shows the principal the server sees for the configured credential, its groups, and the credential in use.

        """;

    public static Command Command() => new Verb("whoami", "show who the server thinks you are", RunAsync) { Details = Details };

    private static async Task RunAsync(Invocation invocation)
    {
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        var me = await connection.Identity.WhoAmIAsync(new Empty(), cancellationToken: invocation.CancellationToken).ConfigureAwait(false);
        invocation.Printer.Print(
            me,
            ("server", connection.Server),
            ("principal", PrincipalText.Format(me.Principal)),
            ("product admin", Printer.YesNo(me.ProductAdmin)),
            ("groups", string.Join(", ", me.Groups.Select(g => g.Name))),
            ("credential", me.CredentialId),
            ("expires", Printer.Time(me.CredentialExpiresAt)));
    }
}
