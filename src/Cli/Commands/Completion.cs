using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using CodeSigning.Cli.Parsing;

namespace CodeSigning.Cli.Commands;

/// <summary>
/// Shell completion. <c>csign [suggest:POSITION] "LINE"</c> prints the words that may come at
/// POSITION of LINE, one a line (System.CommandLine's completion, the protocol dotnet-suggest
/// speaks); <c>csign completion bash|zsh</c> prints a script that asks csign that way.
/// </summary>
internal static class Completion
{
    private const string Bash = """
        # csign completion for bash; load it with: eval "$(csign completion bash)"
        _csign_complete() {
            local IFS=$'\n'
            COMPREPLY=($("${COMP_WORDS[0]}" "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null))
        }
        complete -o default -F _csign_complete csign

        """;

    private const string Zsh = """
        # csign completion for zsh; load it with: eval "$(csign completion zsh)" (after compinit)
        _csign() {
            local -a completions
            completions=(${(f)"$(${words[1]} "[suggest:${CURSOR}]" "${BUFFER}" 2>/dev/null)"})
            compadd -a completions
        }
        compdef _csign csign

        """;

    public static Command Command() => new Verb("completion", "print a bash or zsh script that completes csign's commands and options", PrintAsync,
        Flags.Positional("SHELL", "bash or zsh"))
    {
        Details = """
            bash: add  eval "$(csign completion bash)"  to ~/.bashrc
            zsh:  add  eval "$(csign completion zsh)"  to ~/.zshrc, after compinit

            """,
    };

    /// <summary>Answers <c>[suggest:POSITION] LINE</c>; LINE starts with the command as typed (csign, ./csign, a path).</summary>
    public static int Suggest(Command root, ParserConfiguration parsing, string directive, string line, TextWriter output)
    {
        var position = directive.StartsWith("[suggest:", StringComparison.Ordinal)
                       && int.TryParse(directive["[suggest:".Length..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var at)
            ? Math.Min(at, line.Length)
            : line.Length;
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        if (space > 0 && position >= space)
        {
            // The parser knows the program as "csign", whatever path the shell typed.
            (line, position) = (root.Name + line[space..], position - space + root.Name.Length);
        }

        foreach (var completion in root.Parse(line, parsing).GetCompletions(position))
        {
            output.WriteLine(completion.Label);
        }

        return ExitCode.Ok;
    }

    private static Task PrintAsync(Invocation invocation)
    {
        var shell = invocation.Args.RequiredPositional("the shell: bash or zsh");
        invocation.Context.Out.Write(shell switch
        {
            "bash" => Bash,
            "zsh" => Zsh,
            _ => throw CliException.Usage($"SHELL must be bash or zsh, not \"{shell}\""),
        });
        return Task.CompletedTask;
    }
}
