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

    /// <summary>The contract's name (SIGNING_REQUEST_STATE_PENDING), for attributes and exports that machines read.</summary>
    public static string Name<TEnum>(TEnum value) where TEnum : struct, Enum => ProtoNames.Of(value);

    /// <summary>
    /// The name shown to people, as csign shows it: the contract's name without its type's prefix,
    /// lower case (SIGNING_REQUEST_STATE_PENDING is "pending", KEY_ALGORITHM_RSA_2048 "rsa-2048").
    /// </summary>
    public static string Human<TEnum>(TEnum value) where TEnum : struct, Enum
    {
        var name = ProtoNames.Of(value);
        // Every contract enum's zero value is <PREFIX>UNSPECIFIED.
        var prefix = ProtoNames.Of(default(TEnum)).Replace("UNSPECIFIED", "", StringComparison.Ordinal);
        var bare = name.StartsWith(prefix, StringComparison.Ordinal) ? name[prefix.Length..] : name;
        return bare.ToLowerInvariant().Replace('_', '-');
    }

    public static string Span(TimeSpan span) =>
        span == TimeSpan.Zero ? "no cap"
        : span.TotalDays >= 1 && span.TotalDays == Math.Floor(span.TotalDays) ? $"{span.TotalDays} d"
        : span.TotalHours >= 1 && span.TotalHours == Math.Floor(span.TotalHours) ? $"{span.TotalHours} h"
        : $"{span.TotalMinutes} min";
}
