using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CodeSigning.Pkcs11.Cryptoki;
using static CodeSigning.Pkcs11.Native.Types.Marshalling;

namespace CodeSigning.Pkcs11.Native.Exports;

/// <summary>Random number generation (section 5.19).</summary>
internal static unsafe class RandomNumberGeneration
{
    [UnmanagedCallersOnly(EntryPoint = "C_SeedRandom", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_SeedRandom(CK_SESSION_HANDLE hSession, byte* pSeed, CK_ULONG ulSeedLen) => Unsupported();

    [UnmanagedCallersOnly(EntryPoint = "C_GenerateRandom", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_GenerateRandom(CK_SESSION_HANDLE hSession, byte* RandomData, CK_ULONG ulRandomLen) => Unsupported();
}
