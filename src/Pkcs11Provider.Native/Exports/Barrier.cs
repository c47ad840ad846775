using System.Runtime.CompilerServices;
using CodeSigning.Pkcs11.Cryptoki;
using static CodeSigning.Pkcs11.Native.Types.Marshalling;

namespace CodeSigning.Pkcs11.Native.Exports;

/// <summary>
/// The exception barrier, the same for every export: an exception escaping an [UnmanagedCallersOnly]
/// method aborts the host process (a JVM, openssl), so each export runs its body here, and any
/// exception becomes its CK_RV through <see cref="CallFailure"/>.
/// </summary>
internal static class Barrier
{
    public static CK_RV Run(Func<CKR> body, [CallerMemberName] string function = "")
    {
        try
        {
            return Rv(body());
        }
        catch (Exception ex)
        {
            return Rv(CallFailure.ToResult(ex, function));
        }
    }
}
