using CodeSigning.V1;

namespace CodeSigning.Cli.Parsing;

/// <summary>Principals as <c>user:alice</c>, <c>service-account:ci-bot</c> (or <c>sa:</c>), <c>group:release</c>; a bare name is a user.</summary>
internal static class PrincipalText
{
    public static PrincipalRef Parse(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var (kind, name) = colon < 0 ? ("user", text) : (text[..colon], text[(colon + 1)..]);
        if (name.Length == 0)
        {
            throw CliException.Usage($"principal \"{text}\" has no name");
        }

        return new PrincipalRef
        {
            Name = name,
            Kind = kind.ToLowerInvariant() switch
            {
                "user" => PrincipalKind.User,
                "service-account" or "sa" => PrincipalKind.ServiceAccount,
                "group" => PrincipalKind.Group,
                _ => throw CliException.Usage($"principal kind must be user, service-account (sa) or group, not \"{kind}\""),
            },
        };
    }

    public static string Format(PrincipalRef? principal) =>
        principal is null || principal.Name.Length == 0
            ? "-"
            : $"{EnumText<PrincipalKind>.Format(principal.Kind)}:{principal.Name}";
}
