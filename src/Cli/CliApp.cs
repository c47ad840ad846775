using System.Text.Json;
using CodeSigning.Cli.Commands;
using CodeSigning.Cli.Connection;
using CodeSigning.Cli.Parsing;
using Grpc.Core;

namespace CodeSigning.Cli;

/// <summary>csign's entry point: picks the command for the first word and maps every failure to one stderr line and an exit code.</summary>
internal static class CliApp
{
    private static readonly IReadOnlyList<(string Noun, string Summary, Func<Invocation, Task> Run, string Usage)> Commands =
    [
        ("login", "store the server and credential csign uses", LoginCommand.RunAsync, LoginCommand.Usage),
        ("whoami", "show who the server thinks you are", WhoAmICommand.RunAsync, WhoAmICommand.Usage),
        ("signer", "create, list, show, enable/disable Signers; certificates", SignerCommands.RunAsync, SignerCommands.Usage),
        ("member", "a Signer's members and their roles", MemberCommands.RunAsync, MemberCommands.Usage),
        ("user", "users (Product Admin)", UserCommands.RunAsync, UserCommands.Usage),
        ("group", "groups of users and service accounts", GroupCommands.RunAsync, GroupCommands.Usage),
        ("service-account", "machine identities and their keys", ServiceAccountCommands.RunAsync, ServiceAccountCommands.Usage),
        ("api-key", "API keys: create, list, revoke", ApiKeyCommands.RunAsync, ApiKeyCommands.Usage),
        ("policy", "a Signer's approval policy", PolicyCommands.RunAsync, PolicyCommands.Usage),
        ("request", "signing requests: create, list, approve, deny, cancel", RequestCommands.RunAsync, RequestCommands.Usage),
        ("grant", "pre-approve signing; list and revoke grants", GrantCommands.RunAsync, GrantCommands.Usage),
        ("audit", "query, follow, export and verify the audit log", AuditCommands.RunAsync, AuditCommands.Usage),
        ("sign", "sign a file or a digest through the Sign API", SignCommand.RunAsync, SignCommand.Usage),
        ("webhook", "notify a URL of requests, denials and more (Product Admin)", WebhookCommands.RunAsync, WebhookCommands.Usage),
        ("pkcs11", "write a PKCS#11 module configuration for a Signer", Pkcs11Commands.RunAsync, Pkcs11Commands.Usage),
    ];

    public static async Task<int> RunAsync(IReadOnlyList<string> args, CliContext context, CancellationToken cancellationToken = default)
    {
        if (args.Count == 0 || args[0] is "help" or "--help" or "-h")
        {
            return Help(context, args.Count > 1 ? args[1] : null);
        }

        if (args[0] == "--version")
        {
            context.Out.WriteLine($"csign {typeof(CliApp).Assembly.GetName().Version?.ToString(3)}");
            return ExitCode.Ok;
        }

        var command = Commands.FirstOrDefault(c => c.Noun == args[0]);
        if (command.Noun is null)
        {
            context.Error.WriteLine($"csign: unknown command \"{args[0]}\"; run csign help");
            return ExitCode.Usage;
        }

        if (args.Skip(1).Any(a => a is "--help" or "-h"))
        {
            return Help(context, command.Noun);
        }

        Invocation? invocation = null;
        try
        {
            invocation = new Invocation(context, Arguments.Parse(args.Skip(1).ToArray()), cancellationToken);
            await command.Run(invocation).ConfigureAwait(false);
            return ExitCode.Ok;
        }
        catch (CliException e)
        {
            return Fail(context, e.ExitCode, e.Message);
        }
        catch (Exception e) when (e is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled }
                                   && cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C ends `audit follow`, which is how it is meant to stop.
            return ExitCode.Ok;
        }
        catch (RpcException e)
        {
            var (exitCode, message) = RpcFailure.Describe(e, invocation?.Server, invocation?.Args.Option("signer"));
            return Fail(context, exitCode, message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return Fail(context, ExitCode.LocalIo, e.Message);
        }
    }

    private static int Fail(CliContext context, int exitCode, string message)
    {
        // The message may quote the server, which may quote the caller: one escaped line.
        context.Error.WriteLine($"csign: {CodeSigning.V1.DisplayText.Escape(message)}");
        return exitCode;
    }

    private static int Help(CliContext context, string? noun)
    {
        var command = Commands.FirstOrDefault(c => c.Noun == noun);
        if (command.Noun is not null)
        {
            context.Out.Write(command.Usage);
            return ExitCode.Ok;
        }

        context.Out.WriteLine("usage: csign <command> [<verb>] [options]   (csign help <command> for details)");
        context.Out.WriteLine();
        foreach (var (name, summary, _, _) in Commands)
        {
            context.Out.WriteLine($"  {name,-16} {summary}");
        }

        context.Out.WriteLine();
        context.Out.WriteLine("Every command takes --json for machine-readable output.");
        context.Out.WriteLine("Exit codes: 0 ok, 1 the server refused, 2 usage error, 3 server unreachable or TLS failure, 4 local file error.");
        return noun is null ? ExitCode.Ok : Fail(context, ExitCode.Usage, $"unknown command \"{noun}\"");
    }
}
