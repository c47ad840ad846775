using System.Globalization;
using Google.Protobuf;
using CodeSigning.V1;
using Google.Protobuf.WellKnownTypes;

namespace CodeSigning.Cli.Output;

/// <summary>
/// Writes a command's result: the RPC response as proto3 JSON with <c>--json</c> (the contract's
/// own field names, stable for scripts), otherwise the human view the command supplies, with
/// control characters in it escaped (<see cref="DisplayWriter"/>).
/// </summary>
internal sealed class Printer(TextWriter output, bool json)
{
    private static readonly JsonFormatter Indented = new(JsonFormatter.Settings.Default.WithIndentation());

    public static JsonFormatter SingleLine { get; } = new(JsonFormatter.Settings.Default);

    public bool Json { get; } = json;

    public void Print(IMessage result, Action<TextWriter> human)
    {
        if (Json)
        {
            output.WriteLine(Indented.Format(result));
        }
        else
        {
            human(new DisplayWriter(output));
        }
    }

    public void Print(IMessage result, Table table) => Print(result, table.WriteTo);

    /// <summary>Properties one per line, labels aligned.</summary>
    public void Print(IMessage result, params (string Label, string? Value)[] properties) =>
        Print(result, writer =>
        {
            var width = properties.Max(p => p.Label.Length) + 1;
            foreach (var (label, value) in properties)
            {
                writer.WriteLine($"{(label + ":").PadRight(width)} {(string.IsNullOrEmpty(value) ? "-" : DisplayText.Escape(value))}");
            }
        });

    public static string Time(Timestamp? timestamp) =>
        timestamp is null ? "-" : timestamp.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string YesNo(bool value) => value ? "yes" : "no";
}
