using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CodeSigning.Pkcs11.Cryptoki;
using CodeSigning.Pkcs11.Native.Types;

namespace CodeSigning.Pkcs11.Native.Exports;

/// <summary>General-purpose functions (PKCS#11 3.0 section 5.4).</summary>
internal static unsafe class General
{
    [UnmanagedCallersOnly(EntryPoint = "C_Initialize", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_Initialize(void* pInitArgs) => Barrier.Run(() =>
    {
        var options = InitializeOptions.None;
        if (pInitArgs is not null)
        {
            // Hosts pass garbage here (pReserved should be NULL): read nothing that could fault.
            CK_C_INITIALIZE_ARGS copy;
            if (!CallerMemory.TryCopy(pInitArgs, sizeof(CK_C_INITIALIZE_ARGS), new Span<byte>(&copy, sizeof(CK_C_INITIALIZE_ARGS))))
            {
                return CKR.CKR_ARGUMENTS_BAD;
            }
            var args = &copy;
            var callbacks = (args->CreateMutex is not null ? 1 : 0) + (args->DestroyMutex is not null ? 1 : 0)
                + (args->LockMutex is not null ? 1 : 0) + (args->UnlockMutex is not null ? 1 : 0);
            if (callbacks is not 0 and not 4)
            {
                return CKR.CKR_ARGUMENTS_BAD;
            }

            // CKF_LIBRARY_CANT_CREATE_OS_THREADS is accepted, as SoftHSM2 does: p11-kit (GnuTLS, p11tool)
            // sets it on every C_Initialize, and refusing it with CKR_NEED_TO_CREATE_THREADS locks those
            // clients out. The runtime's threads are the module's own and never call into the host.
            string? configPath = null;
            if (args->pReserved is not null && (configPath = CallerMemory.TryReadUtf8String((byte*)args->pReserved)) is null)
            {
                return CKR.CKR_ARGUMENTS_BAD;
            }
            options = new InitializeOptions(callbacks == 4, ((ulong)args->flags & CKF.CKF_OS_LOCKING_OK) != 0, configPath);
        }

        Provider.Initialize(options);
        return CKR.CKR_OK;
    });

    [UnmanagedCallersOnly(EntryPoint = "C_Finalize", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_Finalize(void* pReserved) => Barrier.Run(() =>
    {
        if (pReserved is not null)
        {
            return CKR.CKR_ARGUMENTS_BAD;
        }

        Provider.Shutdown();
        return CKR.CKR_OK;
    });

    [UnmanagedCallersOnly(EntryPoint = "C_GetInfo", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_GetInfo(CK_INFO* pInfo) => Barrier.Run(() =>
    {
        var info = Provider.GetInfo();
        if (pInfo is null)
        {
            return CKR.CKR_ARGUMENTS_BAD;
        }

        *pInfo = default;
        pInfo->cryptokiVersion = new CK_VERSION { major = info.CryptokiMajor, minor = info.CryptokiMinor };
        BlankPadded.Write(pInfo->manufacturerID, info.ManufacturerId);
        BlankPadded.Write(pInfo->libraryDescription, info.LibraryDescription);
        pInfo->libraryVersion = new CK_VERSION { major = info.LibraryMajor, minor = info.LibraryMinor };
        return CKR.CKR_OK;
    });

    [UnmanagedCallersOnly(EntryPoint = "C_GetFunctionList", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_GetFunctionList(void** ppFunctionList) => Barrier.Run(() =>
    {
        if (ppFunctionList is null)
        {
            return CKR.CKR_ARGUMENTS_BAD;
        }

        *ppFunctionList = FunctionList.V2_40;
        return CKR.CKR_OK;
    });

    [UnmanagedCallersOnly(EntryPoint = "C_GetInterfaceList", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_GetInterfaceList(CK_INTERFACE* pInterfacesList, CK_ULONG* pulCount) => Barrier.Run(() =>
    {
        if (pulCount is null)
        {
            return CKR.CKR_ARGUMENTS_BAD;
        }

        var interfaces = FunctionList.Interfaces;
        var available = (CK_ULONG)interfaces.Length;
        if (pInterfacesList is null)
        {
            *pulCount = available;
            return CKR.CKR_OK;
        }

        if (*pulCount < available)
        {
            *pulCount = available;
            return CKR.CKR_BUFFER_TOO_SMALL;
        }

        interfaces.CopyTo(new Span<CK_INTERFACE>(pInterfacesList, interfaces.Length));
        *pulCount = available;
        return CKR.CKR_OK;
    });

    [UnmanagedCallersOnly(EntryPoint = "C_GetInterface", CallConvs = [typeof(CallConvCdecl)])]
    public static CK_RV C_GetInterface(byte* pInterfaceName, CK_VERSION* pVersion, CK_INTERFACE** ppInterface, CK_FLAGS flags) => Barrier.Run(() =>
    {
        if (ppInterface is null)
        {
            return CKR.CKR_ARGUMENTS_BAD;
        }

        var found = FunctionList.Find(pInterfaceName, pVersion, flags);
        if (found is null)
        {
            return CKR.CKR_ARGUMENTS_BAD;
        }

        *ppInterface = found;
        return CKR.CKR_OK;
    });
}
