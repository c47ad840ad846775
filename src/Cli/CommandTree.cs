using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using CodeSigning.Cli.Commands;

namespace CodeSigning.Cli;

/// <summary>Every csign command, verb and option: what the parser, <c>--help</c> and shell completion read.</summary>
internal static class CommandTree
{
    public const string Version = "--version";

    public static Command Build()
    {
        var root = new Command("csign", "the CodeSigning command line: Signers, members, approvals, signing and the audit log");
        root.Options.Add(new HelpOption { Recursive = true, Action = new HelpAction { MaxWidth = 110 } });
        root.Options.Add(new Option<bool>(Version) { Description = "print csign's version", Arity = ArgumentArity.Zero });
        root.Options.Add(new Option<bool>("--json") { Description = "machine-readable output: the server's response as JSON", Arity = ArgumentArity.Zero, Recursive = true });
        foreach (var command in (Command[])
        [
            LoginCommand.Command(),
            WhoAmICommand.Command(),
            SignerCommands.Command(),
            MemberCommands.Command(),
            UserCommands.Command(),
            GroupCommands.Command(),
            ServiceAccountCommands.Command(),
            ApiKeyCommands.Command(),
            PolicyCommands.Command(),
            RequestCommands.Command(),
            GrantCommands.Command(),
            AuditCommands.Command(),
            SignCommand.Command(),
            WebhookCommands.Command(),
            Pkcs11Commands.Command(),
            Completion.Command(),
        ])
        {
            root.Subcommands.Add(command);
        }

        return root;
    }

    /// <summary>"csign audit checkpoint": the words that name a command.</summary>
    public static string Path(CommandResult command)
    {
        var names = new List<string>();
        for (SymbolResult? current = command; current is CommandResult parsed; current = current.Parent)
        {
            names.Insert(0, parsed.Command.Name);
        }

        return string.Join(' ', names);
    }

    /// <summary><c>csign --help</c>: the commands, and the exit codes scripts branch on.</summary>
    public static void WriteOverview(Command root, TextWriter output)
    {
        output.WriteLine("usage: csign <command> [<verb>] [options]   (csign help <command> for details)");
        output.WriteLine();
        foreach (var command in root.Subcommands)
        {
            output.WriteLine($"  {command.Name,-16} {command.Description}");
        }

        output.WriteLine();
        output.WriteLine("Every command takes --json for machine-readable output, and --help (-h) for its options.");
        output.WriteLine("csign --version prints the version; csign completion bash|zsh prints a shell completion script.");
        output.WriteLine("Exit codes: 0 ok, 1 the server refused, 2 usage error, 3 server unreachable or TLS failure, 4 local file error.");
    }
}
