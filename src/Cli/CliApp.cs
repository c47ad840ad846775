using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using System.Text.Json;
using CodeSigning.Cli.Commands;
using CodeSigning.Cli.Connection;
using CodeSigning.Cli.Parsing;
using Grpc.Core;

namespace CodeSigning.Cli;

/// <summary>
/// csign's entry point: System.CommandLine parses the words into a verb and its options; the verb
/// runs; every failure becomes one stderr line and an exit code.
/// </summary>
internal static class CliApp
{
    private static readonly ParserConfiguration Parsing = new()
    {
        // A value such as @file.txt is a file name, not a response file to expand.
        ResponseFileTokenReplacer = null,
    };

    public static async Task<int> RunAsync(IReadOnlyList<string> args, CliContext context, CancellationToken cancellationToken = default)
    {
        var root = CommandTree.Build();
        if (args is [var directive, ..] && directive.StartsWith("[suggest", StringComparison.Ordinal))
        {
            return Completion.Suggest(root, Parsing, directive, args.Count > 1 ? args[1] : string.Empty, context.Out);
        }

        // `csign help [COMMAND...]` is `csign [COMMAND...] --help`.
        string[] words = args.Count == 0 ? ["--help"] : args[0] == "help" ? [.. args.Skip(1), "--help"] : [.. args];
        var parsed = root.Parse(words, Parsing);
        // Help for what was asked, unless the command or verb asked about does not exist.
        if (parsed.Action is HelpAction && !(parsed.UnmatchedTokens.Count > 0 && parsed.CommandResult.Command.Subcommands.Count > 0))
        {
            return Help(parsed, context);
        }

        // "--json=yes": the parser splits off the value of an option that takes none, as if it were a word of its own.
        if (words.Select(w => w.Split('=', 2)).FirstOrDefault(w => w.Length == 2 && Arguments.Find(parsed.CommandResult, w[0]) is { Arity.MaximumNumberOfValues: 0 }) is [var flag, _])
        {
            return Fail(context, ExitCode.Usage, $"option {flag} takes no value");
        }

        if (words is [CommandTree.Version])
        {
            context.Out.WriteLine($"csign {typeof(CliApp).Assembly.GetName().Version?.ToString(3)}");
            return ExitCode.Ok;
        }

        if (parsed.Errors.Count > 0 || parsed.CommandResult.Command is not Verb verb)
        {
            return Fail(context, ExitCode.Usage, UsageError(parsed));
        }

        Invocation? invocation = null;
        try
        {
            invocation = new Invocation(context, new Arguments(parsed), cancellationToken);
            await verb.Run(invocation).ConfigureAwait(false);
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
            var (exitCode, message) = RpcFailure.Describe(e, invocation?.Server, invocation?.Args.OptionIfDeclared("signer"));
            return Fail(context, exitCode, ContractFields.InFlagTerms(e, message, verb));
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

    /// <summary>The first thing wrong with the words, naming the command, verb or option concerned.</summary>
    private static string UsageError(ParseResult parsed)
    {
        var command = parsed.CommandResult.Command;
        var path = CommandTree.Path(parsed.CommandResult);
        var unmatched = parsed.UnmatchedTokens.FirstOrDefault();
        if (command.Subcommands.Count > 0)
        {
            var choices = string.Join(", ", command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name));
            if (command is not Noun)
            {
                return unmatched is null ? "csign needs a command; run csign help" : $"unknown command \"{unmatched}\"; run csign help";
            }

            return unmatched is null || unmatched.StartsWith('-')
                ? $"{path} needs a verb: {choices}"
                : $"unknown verb \"{unmatched}\" for {path}; one of: {choices}";
        }

        // An unknown --option a positional took (Flags.Positional), before a word left over after it.
        if (parsed.Errors.FirstOrDefault(e => e.Message.StartsWith(Flags.UnknownOption, StringComparison.Ordinal)) is { } unknownOption)
        {
            return unknownOption.Message;
        }

        if (unmatched is not null)
        {
            return unmatched.StartsWith("--", StringComparison.Ordinal)
                ? $"{Flags.UnknownOption}{unmatched}"
                : $"unexpected argument \"{unmatched}\"";
        }

        // Bad values (Flags' checks) and an option without its value, e.g. "Required argument missing for option: '--count'."
        return parsed.Errors[0].Message;
    }

    private static int Help(ParseResult parsed, CliContext context)
    {
        switch (parsed.CommandResult.Command)
        {
            case Noun noun:
                context.Out.Write(noun.Usage);
                context.Out.WriteLine($"{CommandTree.Path(parsed.CommandResult)} VERB --help describes each verb's options.");
                break;
            case Verb verb:
                parsed.Invoke(new InvocationConfiguration { Output = context.Out, Error = context.Error });
                if (verb.Details is not null)
                {
                    context.Out.WriteLine();
                    context.Out.Write(verb.Details);
                }

                break;
            default:
                CommandTree.WriteOverview(parsed.CommandResult.Command, context.Out);
                break;
        }

        return ExitCode.Ok;
    }
}
