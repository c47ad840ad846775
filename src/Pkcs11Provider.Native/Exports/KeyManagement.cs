using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CodeSigning.Pkcs11.Cryptoki;
using static CodeSigning.Pkcs11.Native.Types.Marshalling;

namespace CodeSigning.Pkcs11.Native.Exports;

/// <summary>Key management (section 5.18).</summary>
internal static unsafe class KeyManagement
{
    [UnmanagedCallersOnly(EntryPoint = "C_GenerateKey", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_GenerateKey(CK_SESSION_HANDLE hSession, void* pMechanism, void* pTemplate, CK_ULONG ulCount, CK_OBJECT_HANDLE* phKey) => Unsupported();

    [UnmanagedCallersOnly(EntryPoint = "C_GenerateKeyPair", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_GenerateKeyPair(CK_SESSION_HANDLE hSession, void* pMechanism, void* pPublicKeyTemplate, CK_ULONG ulPublicKeyAttributeCount, void* pPrivateKeyTemplate, CK_ULONG ulPrivateKeyAttributeCount, CK_OBJECT_HANDLE* phPublicKey, CK_OBJECT_HANDLE* phPrivateKey) => Unsupported();

    [UnmanagedCallersOnly(EntryPoint = "C_WrapKey", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_WrapKey(CK_SESSION_HANDLE hSession, void* pMechanism, CK_OBJECT_HANDLE hWrappingKey, CK_OBJECT_HANDLE hKey, byte* pWrappedKey, CK_ULONG* pulWrappedKeyLen) => Unsupported();

    [UnmanagedCallersOnly(EntryPoint = "C_UnwrapKey", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_UnwrapKey(CK_SESSION_HANDLE hSession, void* pMechanism, CK_OBJECT_HANDLE hUnwrappingKey, byte* pWrappedKey, CK_ULONG ulWrappedKeyLen, void* pTemplate, CK_ULONG ulAttributeCount, CK_OBJECT_HANDLE* phKey) => Unsupported();

    [UnmanagedCallersOnly(EntryPoint = "C_DeriveKey", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_DeriveKey(CK_SESSION_HANDLE hSession, void* pMechanism, CK_OBJECT_HANDLE hBaseKey, void* pTemplate, CK_ULONG ulAttributeCount, CK_OBJECT_HANDLE* phKey) => Unsupported();
}
