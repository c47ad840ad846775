using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CodeSigning.Pkcs11.Cryptoki;

namespace CodeSigning.Pkcs11.Native.Exports;

/// <summary>Random number generation (section 5.19).</summary>
internal static unsafe class RandomNumberGeneration
{
    [UnmanagedCallersOnly(EntryPoint = "C_SeedRandom", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_SeedRandom(CK_SESSION_HANDLE hSession, byte* pSeed, CK_ULONG ulSeedLen) => (CK_RV)CKR.CKR_FUNCTION_NOT_SUPPORTED;

    [UnmanagedCallersOnly(EntryPoint = "C_GenerateRandom", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_GenerateRandom(CK_SESSION_HANDLE hSession, byte* RandomData, CK_ULONG ulRandomLen) => (CK_RV)CKR.CKR_FUNCTION_NOT_SUPPORTED;
}
