using System.Runtime.CompilerServices;

namespace CodeSigning.Ksp.Native.Exports;

/// <summary>
/// The exception barrier, the same for every function of the table: a managed exception crossing
/// into ncrypt.dll would end the host (signtool), so each runs its body here, and any exception
/// becomes its SECURITY_STATUS through <see cref="KspFailure"/>.
/// </summary>
internal static class Barrier
{
    public static SECURITY_STATUS Run(Func<SECURITY_STATUS> body, [CallerMemberName] string function = "")
    {
        try
        {
            return body();
        }
        catch (Exception ex)
        {
            return KspFailure.ToStatus(ex, function);
        }
    }
}
