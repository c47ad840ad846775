using CodeSigning.V1;

namespace CodeSigning.Cli.Tests;

/// <summary>The escaping behind csign's views and the server's and module's log lines (issue 14, item 7).</summary>
public sealed class DisplayTextTests
{
    [Theory]
    [InlineData("release 1.2 – ünïcode ✓", "release 1.2 – ünïcode ✓")]
    [InlineData("a\rb\nc\td", "a\\rb\\nc\\td")]
    [InlineData("\u001b[2K\u0000\u0007\u007f", "\\x1b[2K\\x00\\x07\\x7f")]
    [InlineData("\u0085\u009b31m", "\\x85\\x9b31m")]
    [InlineData("abc\u202edcba\u2066\u200f\u061c", "abc\\u202edcba\\u2066\\u200f\\u061c")]
    [InlineData("", "")]
    public void Control_characters_and_bidi_controls_become_visible_escapes_and_nothing_else_changes(string text, string shown)
    {
        Assert.Equal(shown, DisplayText.Escape(text));
    }

    [Fact]
    public void Bounded_text_is_cut_before_it_is_escaped_and_marked()
    {
        Assert.Equal("ab\\rc...", DisplayText.EscapeBounded("ab\rcdef", 4));
        Assert.Equal("ab\\rc", DisplayText.EscapeBounded("ab\rc", 4));
        Assert.Equal("", DisplayText.Escape(null));
    }
}
