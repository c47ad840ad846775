using System.Globalization;

namespace CodeSigning.Cli.Parsing;

/// <summary>Durations as people type them: <c>90s</c>, <c>15m</c>, <c>8h</c>, <c>30d</c>.</summary>
internal static class DurationText
{
    public static TimeSpan Parse(string text, string what)
    {
        if (text.Length >= 2
            && long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            && count > 0)
        {
            switch (text[^1])
            {
                case 's': return TimeSpan.FromSeconds(count);
                case 'm': return TimeSpan.FromMinutes(count);
                case 'h': return TimeSpan.FromHours(count);
                case 'd': return TimeSpan.FromDays(count);
            }
        }

        throw CliException.Usage($"{what} must be a positive duration such as 90s, 15m, 8h or 30d, not \"{text}\"");
    }

    public static string Format(TimeSpan value) =>
        value switch
        {
            { Ticks: 0 } => "-",
            _ when value.TotalDays >= 1 && value.Ticks % TimeSpan.TicksPerDay == 0 => $"{(long)value.TotalDays}d",
            _ when value.Ticks % TimeSpan.TicksPerHour == 0 => $"{(long)value.TotalHours}h",
            _ when value.Ticks % TimeSpan.TicksPerMinute == 0 => $"{(long)value.TotalMinutes}m",
            _ => $"{(long)value.TotalSeconds}s",
        };
}
