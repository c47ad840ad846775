using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace CodeSigning.Cli.Parsing;

/// <summary>
/// The options and positionals csign's verbs declare. Values are kept as text (commands turn them
/// into requests), but a number, duration or choice is checked while parsing, so that a bad value
/// is a usage error naming the option before anything is sent.
/// </summary>
internal static class Flags
{
    public const string UnknownOption = "unknown option ";

    /// <summary>An option taking one value; given twice, the last one counts.</summary>
    public static Option<string> Text(string name, string description, string? valueName = null) =>
        new($"--{name}")
        {
            Description = description,
            HelpName = valueName ?? "VALUE",
            // One value per --name (the parser's default), any number of times: the last one counts, as scripts that add to a default line expect.
            Arity = ArgumentArity.OneOrMore,
            CustomParser = result => result.Tokens is [.., var last] ? last.Value : null,
        };

    /// <summary>An option that may be given several times (<c>--approver a --approver b</c>).</summary>
    public static Option<string[]> Repeated(string name, string description, string? valueName = null) =>
        new($"--{name}") { Description = description + " (repeatable)", HelpName = valueName ?? "VALUE", Arity = ArgumentArity.OneOrMore };

    /// <summary>An option without a value.</summary>
    public static Option<bool> Switch(string name, string description) =>
        new($"--{name}") { Description = description, Arity = ArgumentArity.Zero };

    public static Option<string> Number(string name, string description, int minimum = 0) =>
        Checked(Text(name, description, "N"), text =>
            int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= minimum
                ? null
                : minimum == 0 ? $"--{name} must be a whole number, not \"{text}\"" : $"--{name} must be a whole number of at least {minimum}, not \"{text}\"");

    public static Option<string> Duration(string name, string description) =>
        Checked(Text(name, description, "DURATION"), text => Error(() => DurationText.Parse(text, $"--{name}")));

    /// <summary>One value of a contract enum, by its human name (<see cref="EnumText{T}"/>).</summary>
    public static Option<string> Choice<T>(string name, string description)
        where T : struct, Enum =>
        Suggest(Checked(Text(name, description, string.Join('|', EnumText<T>.Names)), text => Error(() => EnumText<T>.Parse(text, $"--{name}"))), EnumText<T>.Names);

    public static Option<string[]> Choices<T>(string name, string description)
        where T : struct, Enum =>
        Suggest(Checked(Repeated(name, description, string.Join('|', EnumText<T>.Names)), text => Error(() => EnumText<T>.Parse(text, $"--{name}"))), EnumText<T>.Names);

    /// <summary>One of a few fixed words.</summary>
    public static Option<string> OneOf(string name, string description, params string[] words) =>
        Suggest(Checked(Text(name, description, string.Join('|', words)), text =>
            words.Contains(text, StringComparer.Ordinal) ? null : $"--{name} must be {Alternatives(words)}, not \"{text}\""), words);

    /// <summary>
    /// A word after the verb; optional to the parser, so that the command can say what is missing in
    /// its own words (or take it from an option instead, as <c>--signer</c>).
    /// </summary>
    public static Argument<string> Positional(string name, string description)
    {
        var argument = new Argument<string>(name) { Description = description, Arity = ArgumentArity.ZeroOrOne };
        // The parser hands an unknown --option to a free positional; say what it is instead.
        argument.Validators.Add(result =>
        {
            if (result.Tokens is [{ Value: ['-', _, ..] value }])
            {
                result.AddError(UnknownOption + value);
            }
        });
        return argument;
    }

    public static string Alternatives(IReadOnlyList<string> words) =>
        words.Count == 2 ? $"{words[0]} or {words[1]}" : $"one of {string.Join(", ", words)}";

    private static TOption Checked<TOption>(TOption option, Func<string, string?> check)
        where TOption : Option
    {
        option.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (check(token.Value) is { } error)
                {
                    result.AddError(error);
                    return;
                }
            }
        });
        return option;
    }

    private static TOption Suggest<TOption>(TOption option, IEnumerable<string> words)
        where TOption : Option
    {
        option.CompletionSources.Add([.. words]);
        return option;
    }

    private static string? Error(Action parse)
    {
        try
        {
            parse();
            return null;
        }
        catch (CliException e)
        {
            return e.Message;
        }
    }
}
