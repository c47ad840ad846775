namespace CodeSigning.Ksp;

/// <summary>Strings from the caller (key names, algorithm names) as they may appear in a log or message.</summary>
internal static class CallerText
{
    /// <summary>Control characters escaped, so a caller cannot forge log lines.</summary>
    public static string Escape(string text) =>
        string.Concat(text.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}
