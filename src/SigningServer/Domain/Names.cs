using System.Text.RegularExpressions;

namespace CodeSigning.Server.Domain;

/// <summary>
/// Names of Signers, users, service accounts and groups. At most 32 characters: a Signer name is
/// also the PKCS#11 token label, which holds 32. Anchored at the true end (\z): "$" would also
/// accept a trailing newline, and "sigA\n" would pass for a second "sigA".
/// </summary>
public static partial class Names
{
    public static string Validate(string name, string field)
    {
        if (!NamePattern().IsMatch(name))
        {
            throw ServiceException.InvalidArgument(field,
                $"{field} must be 1 to 32 characters: letters, digits, '.', '_', '-', '@', starting with a letter or digit");
        }
        return name;
    }

    /// <summary>Free-form names shown to people (a user's display name): any text but control characters.</summary>
    public static string ValidateDisplay(string value, string field) =>
        value.Any(char.IsControl)
            ? throw ServiceException.InvalidArgument(field, $"{field} must not contain control characters (newlines, tabs, escapes)")
            : value;

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._@-]{0,31}\z")]
    private static partial Regex NamePattern();
}
