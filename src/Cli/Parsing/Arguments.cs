using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace CodeSigning.Cli.Parsing;

/// <summary>
/// The options and positionals of the verb System.CommandLine parsed. The parser has already
/// refused unknown options, extra words and bad numbers, durations and choices; a command reads the
/// values it declared (see <see cref="Flags"/>) and says what is missing in its own words.
/// </summary>
internal sealed class Arguments(ParseResult result)
{
    private readonly IList<Argument> _positionals = result.CommandResult.Command.Arguments;
    private int _positionalsUsed;

    public bool Flag(string name) => Find(name) is Option<bool> flag ? result.GetValue(flag) : throw Undeclared(name);

    public string? Option(string name) => Find(name) switch
    {
        Option<string> single => result.GetValue(single),
        Option<string[]> repeated => result.GetValue(repeated) is [.., var last] ? last : null,
        _ => throw Undeclared(name),
    };

    public IReadOnlyList<string> Options(string name) =>
        Find(name) is Option<string[]> repeated ? result.GetValue(repeated) ?? [] : throw Undeclared(name);

    /// <summary>The option's value when the verb has such an option, else null: for error hints that apply to some verbs only.</summary>
    public string? OptionIfDeclared(string name) => Find(name) is Option<string> ? Option(name) : null;

    public string Required(string name, string what) =>
        Option(name) ?? throw CliException.Usage($"missing --{name} ({what})");

    /// <summary>A number option; <see cref="Flags.Number"/> checked it while parsing.</summary>
    public int? Int(string name) => Option(name) is { } text ? int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture) : null;

    public TimeSpan? Duration(string name) => Option(name) is { } text ? DurationText.Parse(text, $"--{name}") : null;

    /// <summary>The next positional word, or null when there is none.</summary>
    public string? NextPositional() =>
        _positionalsUsed < _positionals.Count && _positionals[_positionalsUsed++] is Argument<string> positional ? result.GetValue(positional) : null;

    public string RequiredPositional(string what) =>
        NextPositional() ?? throw CliException.Usage($"missing {what}");

    /// <summary>A value given either as the next positional or as <c>--name</c>.</summary>
    public string PositionalOrOption(string name, string what) =>
        NextPositional() ?? Option(name) ?? throw CliException.Usage($"missing {what}");

    /// <summary>The verb's own option by that name (<c>--name</c>), or one a parent command shares with it (<c>--json</c>).</summary>
    public static Option? Find(CommandResult verb, string name)
    {
        for (SymbolResult? command = verb; command is CommandResult parsed; command = command.Parent)
        {
            var option = parsed.Command.Options.FirstOrDefault(o => o.Name == name && (parsed == verb || o.Recursive));
            if (option is not null)
            {
                return option;
            }
        }

        return null;
    }

    private Option? Find(string name) => Find(result.CommandResult, $"--{name}");

    private InvalidOperationException Undeclared(string name) =>
        new($"csign {result.CommandResult.Command.Name} reads --{name}, which it does not declare as that kind of option");
}
