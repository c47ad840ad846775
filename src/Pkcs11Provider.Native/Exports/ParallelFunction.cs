using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CodeSigning.Pkcs11.Cryptoki;
using static CodeSigning.Pkcs11.Native.Types.Marshalling;

namespace CodeSigning.Pkcs11.Native.Exports;

/// <summary>Parallel function management (section 5.20, legacy): both "should simply return CKR_FUNCTION_NOT_PARALLEL".</summary>
internal static unsafe class ParallelFunction
{
    [UnmanagedCallersOnly(EntryPoint = "C_GetFunctionStatus", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_GetFunctionStatus(CK_SESSION_HANDLE hSession) => Unsupported(CKR.CKR_FUNCTION_NOT_PARALLEL);

    [UnmanagedCallersOnly(EntryPoint = "C_CancelFunction", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_CancelFunction(CK_SESSION_HANDLE hSession) => Unsupported(CKR.CKR_FUNCTION_NOT_PARALLEL);
}
