using CodeSigning.V1;

namespace CodeSigning.Cli.Output;

/// <summary>Columns aligned for people; empty cells print as "-" so columns never collapse; control characters are escaped.</summary>
internal sealed class Table(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public Table Add(params string?[] cells)
    {
        if (cells.Length != headers.Length)
        {
            throw new ArgumentException($"a row needs {headers.Length} cells", nameof(cells));
        }

        // Escaped here, line breaks included, so that a cell can neither hide nor add a row.
        _rows.Add([.. cells.Select(cell => string.IsNullOrEmpty(cell) ? "-" : DisplayText.Escape(cell))]);
        return this;
    }

    public void WriteTo(TextWriter writer)
    {
        var widths = headers.Select((header, column) => _rows.Select(row => row[column].Length).Prepend(header.Length).Max()).ToArray();
        WriteRow(writer, headers, widths);
        foreach (var row in _rows)
        {
            WriteRow(writer, row, widths);
        }
    }

    private static void WriteRow(TextWriter writer, string[] cells, int[] widths)
    {
        var padded = cells.Select((cell, column) => column == cells.Length - 1 ? cell : cell.PadRight(widths[column]));
        writer.WriteLine(string.Join("  ", padded).TrimEnd());
    }
}
