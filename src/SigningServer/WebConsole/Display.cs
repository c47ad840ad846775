using System.Globalization;
using CodeSigning.Server.Domain;
using CodeSigning.Server.Storage;
using CodeSigning.V1;

namespace CodeSigning.Server.WebConsole;

/// <summary>
/// How the console shows values. Razor HTML-encodes every string it writes; <see cref="T"/> also
/// makes control and bidi characters visible, as csign and the server log do.
/// </summary>
public static class Display
{
    /// <summary>Caller-supplied text, with control characters escaped (Razor then HTML-encodes it).</summary>
    public static string T(string? text) => DisplayText.Escape(text);

    public static string When(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    public static string When(DateTimeOffset? time) => time is { } value ? When(value) : "";

    public static string Who(Principal? principal) => principal is null ? "" : $"{Kind(principal.Kind)} {T(principal.Name)}";

    public static string Kind(PrincipalKind kind) => kind switch
    {
        PrincipalKind.User => "user",
        PrincipalKind.ServiceAccount => "service account",
        PrincipalKind.Group => "group",
        _ => "",
    };

    public static string RoleName(Role role) => role == Role.Unspecified ? "none" : RoleNames.Of(role);

    public static string Name<TEnum>(TEnum value) where TEnum : struct, Enum => ProtoNames.Of(value);

    public static string Span(TimeSpan span) =>
        span == TimeSpan.Zero ? "no cap"
        : span.TotalDays >= 1 && span.TotalDays == Math.Floor(span.TotalDays) ? $"{span.TotalDays} d"
        : span.TotalHours >= 1 && span.TotalHours == Math.Floor(span.TotalHours) ? $"{span.TotalHours} h"
        : $"{span.TotalMinutes} min";
}
