using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CodeSigning.Pkcs11.Native.Exports;
using CodeSigning.Pkcs11.Native.Types;

namespace CodeSigning.Pkcs11.Native;

/// <summary>
/// CK_FUNCTION_LIST (2.40) and CK_FUNCTION_LIST_3_0 tables and the CK_INTERFACE list. They live in
/// unmanaged memory that is never freed: callers may keep the pointers for the life of the process,
/// across C_Finalize.
/// </summary>
internal static unsafe class FunctionList
{
    private const int V2EntryCount = 68;

    private static readonly byte* InterfaceName = AllocateName("PKCS 11"u8);

    /// <summary>The 2.40 table returned by C_GetFunctionList.</summary>
    public static readonly void* V2_40 = Build(2, 40, Entries().AsSpan(0, V2EntryCount));

    /// <summary>The 3.0 table reached through C_GetInterface.</summary>
    public static readonly void* V3_0 = Build(3, 0, Entries());

    private static readonly CK_INTERFACE* InterfaceTable = BuildInterfaces();

    /// <summary>"PKCS 11" 3.0 first (the default), then "PKCS 11" 2.40.</summary>
    public static ReadOnlySpan<CK_INTERFACE> Interfaces => new(InterfaceTable, 2);

    /// <summary>The interface matching name (null: any), version (null: the default) and flags, or null.</summary>
    public static CK_INTERFACE* Find(byte* name, CK_VERSION* version, CK_FLAGS flags)
    {
        if (name is not null && !MemoryMarshal.CreateReadOnlySpanFromNullTerminated(name).SequenceEqual("PKCS 11"u8))
        {
            return null;
        }

        for (var i = 0; i < 2; i++)
        {
            var candidate = InterfaceTable + i;
            var table = (CK_VERSION*)candidate->pFunctionList;
            if (version is not null && (table->major != version->major || table->minor != version->minor))
            {
                continue;
            }

            if ((candidate->flags & flags) == flags)
            {
                return candidate;
            }
        }

        return null;
    }

    private static nint[] Entries() =>
    [
        (nint)(delegate* unmanaged[Cdecl]<void*, CK_RV>)&General.C_Initialize,
        (nint)(delegate* unmanaged[Cdecl]<void*, CK_RV>)&General.C_Finalize,
        (nint)(delegate* unmanaged[Cdecl]<CK_INFO*, CK_RV>)&General.C_GetInfo,
        (nint)(delegate* unmanaged[Cdecl]<void**, CK_RV>)&General.C_GetFunctionList,
        (nint)(delegate* unmanaged[Cdecl]<CK_BBOOL, CK_SLOT_ID*, CK_ULONG*, CK_RV>)&SlotAndToken.C_GetSlotList,
        (nint)(delegate* unmanaged[Cdecl]<CK_SLOT_ID, void*, CK_RV>)&SlotAndToken.C_GetSlotInfo,
        (nint)(delegate* unmanaged[Cdecl]<CK_SLOT_ID, void*, CK_RV>)&SlotAndToken.C_GetTokenInfo,
        (nint)(delegate* unmanaged[Cdecl]<CK_SLOT_ID, CK_MECHANISM_TYPE*, CK_ULONG*, CK_RV>)&SlotAndToken.C_GetMechanismList,
        (nint)(delegate* unmanaged[Cdecl]<CK_SLOT_ID, CK_MECHANISM_TYPE, void*, CK_RV>)&SlotAndToken.C_GetMechanismInfo,
        (nint)(delegate* unmanaged[Cdecl]<CK_SLOT_ID, byte*, CK_ULONG, byte*, CK_RV>)&SlotAndToken.C_InitToken,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, byte*, CK_ULONG, CK_RV>)&SlotAndToken.C_InitPIN,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, byte*, CK_ULONG, byte*, CK_ULONG, CK_RV>)&SlotAndToken.C_SetPIN,
        (nint)(delegate* unmanaged[Cdecl]<CK_SLOT_ID, CK_FLAGS, void*, void*, CK_SESSION_HANDLE*, CK_RV>)&Session.C_OpenSession,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, CK_RV>)&Session.C_CloseSession,
        (nint)(delegate* unmanaged[Cdecl]<CK_SLOT_ID, CK_RV>)&Session.C_CloseAllSessions,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, void*, CK_RV>)&Session.C_GetSessionInfo,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, byte*, CK_ULONG*, CK_RV>)&Session.C_GetOperationState,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, byte*, CK_ULONG, CK_OBJECT_HANDLE, CK_OBJECT_HANDLE, CK_RV>)&Session.C_SetOperationState,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, CK_USER_TYPE, byte*, CK_ULONG, CK_RV>)&Session.C_Login,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, CK_RV>)&Session.C_Logout,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, void*, CK_ULONG, CK_OBJECT_HANDLE*, CK_RV>)&Exports.Objects.C_CreateObject,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, CK_OBJECT_HANDLE, void*, CK_ULONG, CK_OBJECT_HANDLE*, CK_RV>)&Exports.Objects.C_CopyObject,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, CK_OBJECT_HANDLE, CK_RV>)&Exports.Objects.C_DestroyObject,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, CK_OBJECT_HANDLE, CK_ULONG*, CK_RV>)&Exports.Objects.C_GetObjectSize,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, CK_OBJECT_HANDLE, void*, CK_ULONG, CK_RV>)&Exports.Objects.C_GetAttributeValue,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, CK_OBJECT_HANDLE, void*, CK_ULONG, CK_RV>)&Exports.Objects.C_SetAttributeValue,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, void*, CK_ULONG, CK_RV>)&Exports.Objects.C_FindObjectsInit,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, CK_OBJECT_HANDLE*, CK_ULONG, CK_ULONG*, CK_RV>)&Exports.Objects.C_FindObjects,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, CK_RV>)&Exports.Objects.C_FindObjectsFinal,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, void*, CK_OBJECT_HANDLE, CK_RV>)&Encryption.C_EncryptInit,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, byte*, CK_ULONG, byte*, CK_ULONG*, CK_RV>)&Encryption.C_Encrypt,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, byte*, CK_ULONG, byte*, CK_ULONG*, CK_RV>)&Encryption.C_EncryptUpdate,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, byte*, CK_ULONG*, CK_RV>)&Encryption.C_EncryptFinal,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, void*, CK_OBJECT_HANDLE, CK_RV>)&Decryption.C_DecryptInit,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, byte*, CK_ULONG, byte*, CK_ULONG*, CK_RV>)&Decryption.C_Decrypt,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, byte*, CK_ULONG, byte*, CK_ULONG*, CK_RV>)&Decryption.C_DecryptUpdate,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, byte*, CK_ULONG*, CK_RV>)&Decryption.C_DecryptFinal,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, void*, CK_RV>)&MessageDigesting.C_DigestInit,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, byte*, CK_ULONG, byte*, CK_ULONG*, CK_RV>)&MessageDigesting.C_Digest,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, byte*, CK_ULONG, CK_RV>)&MessageDigesting.C_DigestUpdate,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, CK_OBJECT_HANDLE, CK_RV>)&MessageDigesting.C_DigestKey,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, byte*, CK_ULONG*, CK_RV>)&MessageDigesting.C_DigestFinal,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, void*, CK_OBJECT_HANDLE, CK_RV>)&Signing.C_SignInit,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, byte*, CK_ULONG, byte*, CK_ULONG*, CK_RV>)&Signing.C_Sign,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, byte*, CK_ULONG, CK_RV>)&Signing.C_SignUpdate,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, byte*, CK_ULONG*, CK_RV>)&Signing.C_SignFinal,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, void*, CK_OBJECT_HANDLE, CK_RV>)&Signing.C_SignRecoverInit,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, byte*, CK_ULONG, byte*, CK_ULONG*, CK_RV>)&Signing.C_SignRecover,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, void*, CK_OBJECT_HANDLE, CK_RV>)&Verification.C_VerifyInit,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, byte*, CK_ULONG, byte*, CK_ULONG, CK_RV>)&Verification.C_Verify,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, byte*, CK_ULONG, CK_RV>)&Verification.C_VerifyUpdate,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, byte*, CK_ULONG, CK_RV>)&Verification.C_VerifyFinal,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, void*, CK_OBJECT_HANDLE, CK_RV>)&Verification.C_VerifyRecoverInit,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, byte*, CK_ULONG, byte*, CK_ULONG*, CK_RV>)&Verification.C_VerifyRecover,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, byte*, CK_ULONG, byte*, CK_ULONG*, CK_RV>)&DualFunction.C_DigestEncryptUpdate,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, byte*, CK_ULONG, byte*, CK_ULONG*, CK_RV>)&DualFunction.C_DecryptDigestUpdate,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, byte*, CK_ULONG, byte*, CK_ULONG*, CK_RV>)&DualFunction.C_SignEncryptUpdate,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, byte*, CK_ULONG, byte*, CK_ULONG*, CK_RV>)&DualFunction.C_DecryptVerifyUpdate,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, void*, void*, CK_ULONG, CK_OBJECT_HANDLE*, CK_RV>)&KeyManagement.C_GenerateKey,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, void*, void*, CK_ULONG, void*, CK_ULONG, CK_OBJECT_HANDLE*, CK_OBJECT_HANDLE*, CK_RV>)&KeyManagement.C_GenerateKeyPair,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, void*, CK_OBJECT_HANDLE, CK_OBJECT_HANDLE, byte*, CK_ULONG*, CK_RV>)&KeyManagement.C_WrapKey,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, void*, CK_OBJECT_HANDLE, byte*, CK_ULONG, void*, CK_ULONG, CK_OBJECT_HANDLE*, CK_RV>)&KeyManagement.C_UnwrapKey,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, void*, CK_OBJECT_HANDLE, void*, CK_ULONG, CK_OBJECT_HANDLE*, CK_RV>)&KeyManagement.C_DeriveKey,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, byte*, CK_ULONG, CK_RV>)&RandomNumberGeneration.C_SeedRandom,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, byte*, CK_ULONG, CK_RV>)&RandomNumberGeneration.C_GenerateRandom,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, CK_RV>)&ParallelFunction.C_GetFunctionStatus,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, CK_RV>)&ParallelFunction.C_CancelFunction,
        (nint)(delegate* unmanaged[Cdecl]<CK_FLAGS, CK_SLOT_ID*, void*, CK_RV>)&SlotAndToken.C_WaitForSlotEvent,
        // CK_FUNCTION_LIST_3_0 continues after the 2.40 entries.
        (nint)(delegate* unmanaged[Cdecl]<CK_INTERFACE*, CK_ULONG*, CK_RV>)&General.C_GetInterfaceList,
        (nint)(delegate* unmanaged[Cdecl]<byte*, CK_VERSION*, CK_INTERFACE**, CK_FLAGS, CK_RV>)&General.C_GetInterface,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, CK_USER_TYPE, byte*, CK_ULONG, byte*, CK_ULONG, CK_RV>)&Session.C_LoginUser,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, CK_FLAGS, CK_RV>)&Session.C_SessionCancel,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, void*, CK_OBJECT_HANDLE, CK_RV>)&Message.C_MessageEncryptInit,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, void*, CK_ULONG, byte*, CK_ULONG, byte*, CK_ULONG, byte*, CK_ULONG*, CK_RV>)&Message.C_EncryptMessage,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, void*, CK_ULONG, byte*, CK_ULONG, CK_RV>)&Message.C_EncryptMessageBegin,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, void*, CK_ULONG, byte*, CK_ULONG, byte*, CK_ULONG*, CK_FLAGS, CK_RV>)&Message.C_EncryptMessageNext,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, CK_RV>)&Message.C_MessageEncryptFinal,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, void*, CK_OBJECT_HANDLE, CK_RV>)&Message.C_MessageDecryptInit,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, void*, CK_ULONG, byte*, CK_ULONG, byte*, CK_ULONG, byte*, CK_ULONG*, CK_RV>)&Message.C_DecryptMessage,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, void*, CK_ULONG, byte*, CK_ULONG, CK_RV>)&Message.C_DecryptMessageBegin,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, void*, CK_ULONG, byte*, CK_ULONG, byte*, CK_ULONG*, CK_FLAGS, CK_RV>)&Message.C_DecryptMessageNext,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, CK_RV>)&Message.C_MessageDecryptFinal,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, void*, CK_OBJECT_HANDLE, CK_RV>)&Message.C_MessageSignInit,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, void*, CK_ULONG, byte*, CK_ULONG, byte*, CK_ULONG*, CK_RV>)&Message.C_SignMessage,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, void*, CK_ULONG, CK_RV>)&Message.C_SignMessageBegin,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, void*, CK_ULONG, byte*, CK_ULONG, byte*, CK_ULONG*, CK_RV>)&Message.C_SignMessageNext,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, CK_RV>)&Message.C_MessageSignFinal,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, void*, CK_OBJECT_HANDLE, CK_RV>)&Message.C_MessageVerifyInit,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, void*, CK_ULONG, byte*, CK_ULONG, byte*, CK_ULONG, CK_RV>)&Message.C_VerifyMessage,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, void*, CK_ULONG, CK_RV>)&Message.C_VerifyMessageBegin,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, void*, CK_ULONG, byte*, CK_ULONG, byte*, CK_ULONG, CK_RV>)&Message.C_VerifyMessageNext,
        (nint)(delegate* unmanaged[Cdecl]<CK_SESSION_HANDLE, CK_RV>)&Message.C_MessageVerifyFinal,
    ];

    private static void* Build(byte major, byte minor, ReadOnlySpan<nint> entries)
    {
        // CK_VERSION (2 bytes), then the function pointers: naturally aligned, except on Windows
        // where pkcs11.h packs structures to 1 byte.
        var offset = Packing.Value == 1 ? sizeof(CK_VERSION) : sizeof(nint);
        var table = (byte*)NativeMemory.AllocZeroed((nuint)(offset + (entries.Length * sizeof(nint))));
        *(CK_VERSION*)table = new CK_VERSION { major = major, minor = minor };
        for (var i = 0; i < entries.Length; i++)
        {
            Unsafe.WriteUnaligned(table + offset + (i * sizeof(nint)), entries[i]);
        }

        return table;
    }

    private static CK_INTERFACE* BuildInterfaces()
    {
        var interfaces = (CK_INTERFACE*)NativeMemory.AllocZeroed((nuint)(2 * sizeof(CK_INTERFACE)));
        interfaces[0] = new CK_INTERFACE { pInterfaceName = InterfaceName, pFunctionList = V3_0 };
        interfaces[1] = new CK_INTERFACE { pInterfaceName = InterfaceName, pFunctionList = V2_40 };
        return interfaces;
    }

    private static byte* AllocateName(ReadOnlySpan<byte> name)
    {
        var copy = (byte*)NativeMemory.AllocZeroed((nuint)(name.Length + 1));
        name.CopyTo(new Span<byte>(copy, name.Length));
        return copy;
    }
}
