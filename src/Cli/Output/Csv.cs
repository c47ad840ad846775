namespace CodeSigning.Cli.Output;

/// <summary>RFC 4180 records: CRLF line ends; a field with a comma, quote or line break is quoted, quotes doubled.</summary>
internal static class Csv
{
    public static void WriteRecord(TextWriter writer, IEnumerable<string> fields)
    {
        writer.Write(string.Join(",", fields.Select(Quote)));
        writer.Write("\r\n");
    }

    public static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
}
