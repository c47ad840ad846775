using System.Reflection;
using Google.Protobuf.Reflection;

namespace CodeSigning.Cli.Parsing;

/// <summary>
/// Contract enums as people type them: the proto value name without its type prefix, lower case,
/// dashes for underscores (<c>KEY_ALGORITHM_RSA_3072</c> is <c>rsa-3072</c>, <c>ROLE_OPERATOR</c>
/// is <c>operator</c>). One rule for every enum, so the docs and the parser cannot drift apart.
/// </summary>
internal static class EnumText<T>
    where T : struct, Enum
{
    private static readonly IReadOnlyDictionary<T, string> ByValue = Build();

    public static string Format(T value) => ByValue.TryGetValue(value, out var name) ? name : value.ToString();

    public static T Parse(string text, string what)
    {
        foreach (var (value, name) in ByValue)
        {
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        throw CliException.Usage($"{what} must be one of {Choices}, not \"{text}\"");
    }

    public static string Choices => string.Join(", ", ByValue.Values);

    /// <summary>Every value's name, in declaration order: help and shell completion offer them.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. ByValue.Values];

    private static Dictionary<T, string> Build()
    {
        var names = new Dictionary<T, string>();
        foreach (var field in typeof(T).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var original = field.GetCustomAttribute<OriginalNameAttribute>()?.Name ?? field.Name;
            if (original.EndsWith("_UNSPECIFIED", StringComparison.Ordinal))
            {
                continue;
            }

            var prefix = UpperSnake(typeof(T).Name) + "_";
            var bare = original.StartsWith(prefix, StringComparison.Ordinal) ? original[prefix.Length..] : original;
            names[(T)field.GetValue(null)!] = bare.ToLowerInvariant().Replace('_', '-');
        }

        return names;
    }

    private static string UpperSnake(string pascal) =>
        string.Concat(pascal.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : char.ToUpperInvariant(c).ToString()));
}
