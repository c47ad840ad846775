using System.CommandLine;
using CodeSigning.Cli.Parsing;
using CodeSigning.Cli.Output;
using CodeSigning.V1;

namespace CodeSigning.Cli.Commands;

/// <summary><c>csign user</c>: people (Product Admin).</summary>
internal static class UserCommands
{
    public const string Usage = """
        usage: csign user <verb> ...

          create NAME [--display-name TEXT] [--email ADDRESS] [--product-admin]
          list
          show NAME
          enable NAME | disable NAME     disabling revokes every API key of the user at once
          archive NAME                   remove for good: keys revoked, never enabled again, history kept
          set-admin NAME on|off          the server-wide Product Admin flag

        A new user has no API key yet: csign api-key create --user NAME.

        """;

    public static Noun Command() => new("user", "users (Product Admin)", Usage,
        new Verb("create", "create a user (no API key yet: csign api-key create --user NAME)", CreateAsync,
            NameArgument(),
            Flags.Text("display-name", "the name shown to people", "TEXT"),
            Flags.Text("email", "the user's e-mail address", "ADDRESS"),
            Flags.Switch("product-admin", "make the user a Product Admin")),
        new Verb("list", "every user", ListAsync),
        new Verb("show", "one user", ShowAsync, NameArgument()),
        new Verb("enable", "let the user in again", i => SetEnabledAsync(i, true), NameArgument()),
        new Verb("disable", "shut the user out; revokes every API key of the user at once", i => SetEnabledAsync(i, false), NameArgument()),
        new Verb("set-admin", "turn the server-wide Product Admin flag on or off", SetAdminAsync,
            NameArgument(), Flags.Positional("ON_OFF", "on or off")),
        new Verb("archive", "remove for good: keys revoked, never enabled again, history kept", ArchiveAsync, NameArgument()));

    private static Symbol NameArgument() => Flags.Positional("NAME", "the user name");

    private static async Task CreateAsync(Invocation invocation)
    {
        var args = invocation.Args;
        var request = new CreateUserRequest
        {
            Name = args.RequiredPositional("the user name"),
            DisplayName = args.Option("display-name") ?? string.Empty,
            Email = args.Option("email") ?? string.Empty,
            ProductAdmin = args.Flag("product-admin"),
        };
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        Show(invocation, await connection.Identity.CreateUserAsync(request, cancellationToken: invocation.CancellationToken).ConfigureAwait(false));
    }

    private static async Task ListAsync(Invocation invocation)
    {
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        var users = await connection.Identity.ListUsersAsync(new ListUsersRequest(), cancellationToken: invocation.CancellationToken).ConfigureAwait(false);
        var table = new Table("NAME", "DISPLAY NAME", "EMAIL", "PRODUCT ADMIN", "ENABLED", "CREATED");
        foreach (var u in users.Users)
        {
            table.Add(u.Name, u.DisplayName, u.Email, Printer.YesNo(u.ProductAdmin),
                u.ArchivedAt is null ? Printer.YesNo(u.Enabled) : "archived", Printer.Time(u.CreatedAt));
        }

        invocation.Printer.Print(users, table);
    }

    private static async Task ShowAsync(Invocation invocation)
    {
        var name = invocation.Args.RequiredPositional("the user name");
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        Show(invocation, await connection.Identity.GetUserAsync(new GetUserRequest { User = name }, cancellationToken: invocation.CancellationToken).ConfigureAwait(false));
    }

    private static async Task ArchiveAsync(Invocation invocation)
    {
        var request = new ArchiveUserRequest { User = invocation.Args.RequiredPositional("the user name") };
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        Show(invocation, await connection.Identity.ArchiveUserAsync(request, cancellationToken: invocation.CancellationToken).ConfigureAwait(false));
    }

    private static async Task SetEnabledAsync(Invocation invocation, bool enabled)
    {
        var request = new SetUserEnabledRequest { User = invocation.Args.RequiredPositional("the user name"), Enabled = enabled };
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        Show(invocation, await connection.Identity.SetUserEnabledAsync(request, cancellationToken: invocation.CancellationToken).ConfigureAwait(false));
    }

    private static async Task SetAdminAsync(Invocation invocation)
    {
        var name = invocation.Args.RequiredPositional("the user name");
        var request = new SetProductAdminRequest
        {
            User = name,
            ProductAdmin = invocation.Args.RequiredPositional("on or off") switch
            {
                "on" => true,
                "off" => false,
                var other => throw CliException.Usage($"set-admin takes on or off, not \"{other}\""),
            },
        };
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        Show(invocation, await connection.Identity.SetProductAdminAsync(request, cancellationToken: invocation.CancellationToken).ConfigureAwait(false));
    }

    private static void Show(Invocation invocation, User user) =>
        invocation.Printer.Print(
            user,
            ("name", user.Name),
            ("id", user.Id),
            ("display name", user.DisplayName),
            ("email", user.Email),
            ("product admin", Printer.YesNo(user.ProductAdmin)),
            ("enabled", Printer.YesNo(user.Enabled)),
            ("archived", user.ArchivedAt is null ? null : Printer.Time(user.ArchivedAt)),
            ("created", Printer.Time(user.CreatedAt)));
}
