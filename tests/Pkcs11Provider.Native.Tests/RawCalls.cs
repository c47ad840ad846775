using System.Runtime.InteropServices;

namespace CodeSigning.Pkcs11.Native.Tests;

/// <summary>Direct calls into the module's exports, as a C caller makes them (no Pkcs11Interop in between).</summary>
internal static unsafe class RawCalls
{
    public const nuint CKF_OS_LOCKING_OK = 0x2;

    public static nuint Initialize(void* args) => ((delegate* unmanaged[Cdecl]<void*, nuint>)NativeModule.Export("C_Initialize"))(args);

    public static nuint Finalize(void* reserved) => ((delegate* unmanaged[Cdecl]<void*, nuint>)NativeModule.Export("C_Finalize"))(reserved);

    public static nuint GetInfo(void* info) => ((delegate* unmanaged[Cdecl]<void*, nuint>)NativeModule.Export("C_GetInfo"))(info);

    public static nuint GetFunctionList(void** list) => ((delegate* unmanaged[Cdecl]<void**, nuint>)NativeModule.Export("C_GetFunctionList"))(list);

    public static nuint GetInterfaceList(Interface* list, nuint* count) =>
        ((delegate* unmanaged[Cdecl]<Interface*, nuint*, nuint>)NativeModule.Export("C_GetInterfaceList"))(list, count);

    public static nuint GetInterface(byte* name, Version* version, Interface** found, nuint flags) =>
        ((delegate* unmanaged[Cdecl]<byte*, Version*, Interface**, nuint, nuint>)NativeModule.Export("C_GetInterface"))(name, version, found, flags);

    public static nuint GetAttributeValue(nuint session, nuint obj, Attribute* template, nuint count) =>
        ((delegate* unmanaged[Cdecl]<nuint, nuint, Attribute*, nuint, nuint>)NativeModule.Export("C_GetAttributeValue"))(session, obj, template, count);

    /// <summary>Leaves the module uninitialized whatever state a test left it in.</summary>
    public static void EnsureFinalized() => Finalize(null);

    [StructLayout(LayoutKind.Sequential)]
    public struct Version
    {
        public byte Major;
        public byte Minor;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct Interface
    {
        public byte* Name;
        public void* FunctionList;
        public nuint Flags;
    }

    /// <summary>CK_ATTRIBUTE with natural alignment (Linux/macOS).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Attribute
    {
        public nuint Type;
        public void* Value;
        public nuint ValueLength;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct InitializeArgs
    {
        public nint CreateMutex;
        public nint DestroyMutex;
        public nint LockMutex;
        public nint UnlockMutex;
        public nuint Flags;
        public nint Reserved;
    }

    /// <summary>CK_INFO with natural alignment (Linux/macOS).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Info
    {
        public Version CryptokiVersion;
        public fixed byte ManufacturerId[32];
        public nuint Flags;
        public fixed byte LibraryDescription[32];
        public Version LibraryVersion;
    }
}
