using Google.Protobuf.Reflection;
using Google.Rpc;

namespace CodeSigning.V1;

/// <summary>
/// The google.rpc.ErrorInfo domain of every error the server reports, whose reason is the name of an
/// <see cref="ErrorReason"/> value: clients read it back as the enum, never by comparing strings.
/// </summary>
public static class ErrorDomain
{
    public const string Name = "codesigning.v1";

    private static readonly EnumDescriptor Reasons = CommonReflection.Descriptor.EnumTypes.First(e => e.ClrType == typeof(ErrorReason));

    /// <summary>
    /// The reason of an ErrorInfo of this domain; null when there is none (no ErrorInfo, or another
    /// domain's, e.g. a proxy's); ERROR_REASON_UNSPECIFIED for a name this build does not know (a newer server).
    /// </summary>
    public static ErrorReason? ReasonOf(ErrorInfo? info) =>
        info is null || info.Domain != Name ? null : (ErrorReason)(Reasons.FindValueByName(info.Reason)?.Number ?? 0);

    /// <summary>The name an ErrorInfo carries for <paramref name="reason"/> (APPROVAL_REQUIRED, ...).</summary>
    public static string NameOf(ErrorReason reason) => Reasons.FindValueByNumber((int)reason)?.Name ?? reason.ToString();
}
