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

    public static Task RunAsync(Invocation invocation) => Verbs.RunAsync(invocation, "group", new Dictionary<string, Func<Invocation, Task>>
    {
        ["create"] = CreateAsync,
        ["delete"] = DeleteAsync,
        ["list"] = ListAsync,
        ["show"] = ShowAsync,
        ["add-member"] = AddMemberAsync,
        ["remove-member"] = RemoveMemberAsync,
    });

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
