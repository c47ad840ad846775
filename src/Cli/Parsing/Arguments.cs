using System.Globalization;

namespace CodeSigning.Cli.Parsing;

/// <summary>
/// The words after the command's verb: positionals and <c>--name value</c>, <c>--name=value</c>
/// or bare <c>--flag</c> options. A command reads what it understands; <see cref="EnsureAllUsed"/>
/// then turns anything left over into a usage error instead of silently ignoring it.
/// </summary>
internal sealed class Arguments
{
    // Options that never take a value; every other option consumes the next word.
    private static readonly HashSet<string> FlagNames = new(StringComparer.Ordinal)
    {
        "json", "digest-only", "interactive", "include-revoked", "include-spent", "product-admin", "help", "p11-kit", "new-key", "previous",
    };

    private readonly List<string> _positionals = [];
    private readonly Dictionary<string, List<string>> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);
    private int _positionalsUsed;

    private Arguments()
    {
    }

    public static Arguments Parse(IReadOnlyList<string> words)
    {
        var result = new Arguments();
        for (var i = 0; i < words.Count; i++)
        {
            var word = words[i];
            if (word == "--")
            {
                result._positionals.AddRange(words.Skip(i + 1));
                break;
            }

            if (!word.StartsWith("--", StringComparison.Ordinal) || word.Length == 2)
            {
                result._positionals.Add(word);
                continue;
            }

            var name = word[2..];
            string value;
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }
            else if (FlagNames.Contains(name))
            {
                value = "true";
            }
            else if (i + 1 < words.Count)
            {
                value = words[++i];
            }
            else
            {
                throw CliException.Usage($"option --{name} needs a value");
            }

            if (!result._options.TryGetValue(name, out var values))
            {
                result._options[name] = values = [];
            }

            values.Add(value);
        }

        return result;
    }

    public bool Flag(string name)
    {
        var value = Option(name);
        return value switch
        {
            null or "false" => false,
            "true" => true,
            _ => throw CliException.Usage($"option --{name} takes no value"),
        };
    }

    public string? Option(string name)
    {
        _used.Add(name);
        return _options.TryGetValue(name, out var values) ? values[^1] : null;
    }

    public IReadOnlyList<string> Options(string name)
    {
        _used.Add(name);
        return _options.TryGetValue(name, out var values) ? values : [];
    }

    public string Required(string name, string what) =>
        Option(name) ?? throw CliException.Usage($"missing --{name} ({what})");

    public int? Int(string name)
    {
        var text = Option(name);
        if (text is null)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw CliException.Usage($"--{name} must be a whole number, not \"{text}\"");
    }

    public TimeSpan? Duration(string name)
    {
        var text = Option(name);
        return text is null ? null : DurationText.Parse(text, $"--{name}");
    }

    /// <summary>The next positional word, or null when there is none.</summary>
    public string? NextPositional() =>
        _positionalsUsed < _positionals.Count ? _positionals[_positionalsUsed++] : null;

    public string RequiredPositional(string what) =>
        NextPositional() ?? throw CliException.Usage($"missing {what}");

    /// <summary>A value given either as the next positional or as <c>--name</c>.</summary>
    public string PositionalOrOption(string name, string what) =>
        NextPositional() ?? Option(name) ?? throw CliException.Usage($"missing {what}");

    public void EnsureAllUsed()
    {
        var unknown = _options.Keys.FirstOrDefault(name => !_used.Contains(name));
        if (unknown is not null)
        {
            throw CliException.Usage($"unknown option --{unknown}");
        }

        if (_positionalsUsed < _positionals.Count)
        {
            throw CliException.Usage($"unexpected argument \"{_positionals[_positionalsUsed]}\"");
        }
    }
}
