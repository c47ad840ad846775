using System.Globalization;
using System.Text;

namespace CodeSigning.V1;

/// <summary>
/// Caller-supplied text made safe to show a person: a justification, name or client field may hold
/// a carriage return, ANSI escape or bidi override that would rewrite what a terminal or log
/// viewer displays. Shared by the server's log lines, csign's tables and the module's log.
/// </summary>
public static class DisplayText
{
    /// <summary>
    /// Replaces every C0 and C1 control character, DEL and bidi control with a visible escape
    /// (<c>\r</c>, <c>\n</c>, <c>\t</c>, <c>\x1b</c>, <c>\u202e</c>); other text is unchanged.
    /// </summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text) || !text.AsSpan().ContainsAny(Unsafe))
        {
            return text ?? "";
        }
        var escaped = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            escaped.Append(c switch
            {
                '\r' => "\\r",
                '\n' => "\\n",
                '\t' => "\\t",
                _ when !Unsafe.Contains(c) => c.ToString(),
                < '\u0100' => "\\x" + ((int)c).ToString("x2", CultureInfo.InvariantCulture),
                _ => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
            });
        }
        return escaped.ToString();
    }

    /// <summary><see cref="Escape"/> of at most <paramref name="maxLength"/> characters of <paramref name="text"/>, marked when cut.</summary>
    public static string EscapeBounded(string? text, int maxLength) =>
        text is { } value && value.Length > maxLength ? Escape(value[..maxLength]) + "..." : Escape(text);

    private static readonly System.Buffers.SearchValues<char> Unsafe = System.Buffers.SearchValues.Create(
        string.Concat(Enumerable.Range(0, 0x20).Select(i => (char)i)) + "\u007f" +
        string.Concat(Enumerable.Range(0x80, 0x20).Select(i => (char)i)) +
        "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069");
}
