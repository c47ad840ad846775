using System.Text;
using CodeSigning.V1;

namespace CodeSigning.Cli.Output;

/// <summary>
/// The writer behind every human view: whatever the server sends back (a justification, a name, a
/// reason) may hold a carriage return, ANSI escape or bidi override that would rewrite what the
/// person sees (a request for 100 signatures shown as 1). Control characters are escaped; the line
/// breaks csign itself writes pass.
/// </summary>
internal sealed class DisplayWriter(TextWriter inner) : TextWriter
{
    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value)
    {
        if (value == '\n')
        {
            inner.Write(value);
        }
        else
        {
            inner.Write(DisplayText.Escape(value.ToString()));
        }
    }

    public override void Write(string? value)
    {
        if (value is not null)
        {
            inner.Write(string.Join('\n', value.Split('\n').Select(DisplayText.Escape)));
        }
    }

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void WriteLine() => inner.WriteLine();

    public override void WriteLine(string? value)
    {
        Write(value);
        inner.WriteLine();
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
}
