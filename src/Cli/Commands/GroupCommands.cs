using System.CommandLine;
using CodeSigning.Cli.Output;
using CodeSigning.Cli.Parsing;
using CodeSigning.V1;

namespace CodeSigning.Cli.Commands;

/// <summary><c>csign group</c>: server-wide groups; a group member holds the group's role on each Signer the group belongs to.</summary>
internal static class GroupCommands
{
    public const string Usage = """
        usage: csign group <verb> ...

          create NAME [--description TEXT]     (Product Admin)
          delete NAME                          (Product Admin)
          list
          show NAME
          add-member GROUP P                   (Product Admin) P: user:NAME or service-account:NAME
          remove-member GROUP P                (Product Admin)

        """;

    public static Noun Command() => new("group", "groups of users and service accounts", Usage,
        new Verb("create", "create a group (Product Admin)", CreateAsync, GroupArgument(), Flags.Text("description", "what the group is for", "TEXT")),
        new Verb("delete", "delete a group (Product Admin)", DeleteAsync, GroupArgument()),
        new Verb("list", "every group", ListAsync),
        new Verb("show", "a group and its members", ShowAsync, GroupArgument()),
        new Verb("add-member", "add a user or service account (Product Admin)", AddMemberAsync, GroupArgument(), MemberArgument()),
        new Verb("remove-member", "remove a user or service account (Product Admin)", RemoveMemberAsync, GroupArgument(), MemberArgument()));

    private static Symbol GroupArgument() => Flags.Positional("GROUP", "the group name");

    private static Symbol MemberArgument() => Flags.Positional("PRINCIPAL", "user:NAME or service-account:NAME (sa:NAME)");

    private static async Task CreateAsync(Invocation invocation)
    {
        var request = new CreateGroupRequest
        {
            Name = invocation.Args.RequiredPositional("the group name"),
            Description = invocation.Args.Option("description") ?? string.Empty,
        };
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        Show(invocation, await connection.Members.CreateGroupAsync(request, cancellationToken: invocation.CancellationToken).ConfigureAwait(false));
    }

    private static async Task DeleteAsync(Invocation invocation)
    {
        var name = invocation.Args.RequiredPositional("the group name");
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        var empty = await connection.Members.DeleteGroupAsync(new DeleteGroupRequest { Group = name }, cancellationToken: invocation.CancellationToken).ConfigureAwait(false);
        invocation.Printer.Print(empty, w => w.WriteLine($"group {name} deleted"));
    }

    private static async Task ListAsync(Invocation invocation)
    {
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        var groups = await connection.Members.ListGroupsAsync(new ListGroupsRequest(), cancellationToken: invocation.CancellationToken).ConfigureAwait(false);
        var table = new Table("NAME", "MEMBERS", "DESCRIPTION");
        foreach (var g in groups.Groups)
        {
            table.Add(g.Name, g.Members.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), g.Description);
        }

        invocation.Printer.Print(groups, table);
    }

    private static async Task ShowAsync(Invocation invocation)
    {
        var name = invocation.Args.RequiredPositional("the group name");
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        Show(invocation, await connection.Members.GetGroupAsync(new GetGroupRequest { Group = name }, cancellationToken: invocation.CancellationToken).ConfigureAwait(false));
    }

    private static async Task AddMemberAsync(Invocation invocation)
    {
        var request = new AddGroupMemberRequest
        {
            Group = invocation.Args.RequiredPositional("the group name"),
            Principal = PrincipalText.Parse(invocation.Args.RequiredPositional("the member (user:NAME or sa:NAME)")),
        };
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        Show(invocation, await connection.Members.AddGroupMemberAsync(request, cancellationToken: invocation.CancellationToken).ConfigureAwait(false));
    }

    private static async Task RemoveMemberAsync(Invocation invocation)
    {
        var request = new RemoveGroupMemberRequest
        {
            Group = invocation.Args.RequiredPositional("the group name"),
            Principal = PrincipalText.Parse(invocation.Args.RequiredPositional("the member (user:NAME or sa:NAME)")),
        };
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        Show(invocation, await connection.Members.RemoveGroupMemberAsync(request, cancellationToken: invocation.CancellationToken).ConfigureAwait(false));
    }

    private static void Show(Invocation invocation, Group group) =>
        invocation.Printer.Print(
            group,
            ("name", group.Name),
            ("id", group.Id),
            ("description", group.Description),
            ("members", string.Join(", ", group.Members.Select(PrincipalText.Format))));
}
