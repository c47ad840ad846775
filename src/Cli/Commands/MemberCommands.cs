using System.CommandLine;
using CodeSigning.Cli.Output;
using CodeSigning.Cli.Parsing;
using CodeSigning.V1;

namespace CodeSigning.Cli.Commands;

/// <summary><c>csign member</c>: who may do what with a Signer.</summary>
internal static class MemberCommands
{
    public const string Usage = """
        usage: csign member <verb> ...

          list SIGNER
          set SIGNER P --role administrator|operator|auditor    add a member or change its role
          remove SIGNER P                                       the last Administrator cannot be removed

        P is user:NAME, service-account:NAME (sa:NAME) or group:NAME; a bare NAME is a user.

        """;

    public static Noun Command() => new("member", "a Signer's members and their roles", Usage,
        new Verb("list", "the Signer's members and their roles", ListAsync, Verbs.SignerSymbols()),
        new Verb("set", "add a member or change its role", SetAsync,
            [.. Verbs.SignerSymbols(), Flags.Positional("PRINCIPAL", "user:NAME, service-account:NAME (sa:NAME) or group:NAME; a bare NAME is a user"),
             Flags.Choice<Role>("role", "the member's role")]),
        new Verb("remove", "remove a member (the last Administrator cannot be removed)", RemoveAsync,
            [.. Verbs.SignerSymbols(), Flags.Positional("PRINCIPAL", "user:NAME, service-account:NAME (sa:NAME) or group:NAME")]));

    private static async Task ListAsync(Invocation invocation)
    {
        var signer = Verbs.Signer(invocation);
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        var members = await connection.Members.ListMembersAsync(
            new ListMembersRequest { Signer = signer }, cancellationToken: invocation.CancellationToken).ConfigureAwait(false);
        var table = new Table("MEMBER", "ROLE");
        foreach (var member in members.Members)
        {
            table.Add(PrincipalText.Format(member.Principal), EnumText<Role>.Format(member.Role));
        }

        invocation.Printer.Print(members, table);
    }

    private static async Task SetAsync(Invocation invocation)
    {
        var request = new SetMemberRequest
        {
            Signer = Verbs.Signer(invocation),
            Principal = PrincipalText.Parse(invocation.Args.RequiredPositional("the member (user:NAME, sa:NAME or group:NAME)")),
            Role = EnumText<Role>.Parse(invocation.Args.Required("role", "administrator, operator or auditor"), "--role"),
        };
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        var member = await connection.Members.SetMemberAsync(request, cancellationToken: invocation.CancellationToken).ConfigureAwait(false);
        invocation.Printer.Print(member, w => w.WriteLine($"{PrincipalText.Format(member.Principal)} is now {EnumText<Role>.Format(member.Role)} of {request.Signer}"));
    }

    private static async Task RemoveAsync(Invocation invocation)
    {
        var request = new RemoveMemberRequest
        {
            Signer = Verbs.Signer(invocation),
            Principal = PrincipalText.Parse(invocation.Args.RequiredPositional("the member (user:NAME, sa:NAME or group:NAME)")),
        };
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        var empty = await connection.Members.RemoveMemberAsync(request, cancellationToken: invocation.CancellationToken).ConfigureAwait(false);
        invocation.Printer.Print(empty, w => w.WriteLine($"{PrincipalText.Format(request.Principal)} is no longer a member of {request.Signer}"));
    }
}
