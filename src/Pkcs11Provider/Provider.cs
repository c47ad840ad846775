using System.Reflection;
using CodeSigning.Pkcs11.Cryptoki;
using CodeSigning.Pkcs11.Logging;
using Microsoft.Extensions.Logging;

namespace CodeSigning.Pkcs11;

/// <summary>
/// The module's process-wide state between C_Initialize and C_Finalize. Every C_* call reaches
/// the PKCS#11 behaviour through here.
/// </summary>
public sealed class Provider
{
    private static readonly Lock Gate = new();
    private static Provider? current;

    private Provider(InitializeOptions options)
    {
        Options = options;
    }

    public InitializeOptions Options { get; }

    /// <summary>The initialized provider, or CKR_CRYPTOKI_NOT_INITIALIZED.</summary>
    public static Provider Current =>
        Volatile.Read(ref current)
        ?? throw new Pkcs11Exception(CKR.CKR_CRYPTOKI_NOT_INITIALIZED, "C_Initialize has not been called");

    public static bool IsInitialized => Volatile.Read(ref current) is not null;

    public static void Initialize(InitializeOptions options)
    {
        // We lock with our own primitives only, so an application that insists on its own mutex
        // callbacks (without CKF_OS_LOCKING_OK) cannot be served safely.
        if (options.HasMutexCallbacks && !options.OsLockingOk)
        {
            throw new Pkcs11Exception(CKR.CKR_CANT_LOCK, "mutex callbacks without CKF_OS_LOCKING_OK are not supported");
        }

        lock (Gate)
        {
            if (current is not null)
            {
                throw new Pkcs11Exception(CKR.CKR_CRYPTOKI_ALREADY_INITIALIZED, "C_Initialize was already called");
            }

            current = new Provider(options);
        }

        ProviderLog.Initialized(ProviderLogging.Logger, ModuleVersion);
    }

    /// <summary>C_Finalize (named Shutdown: Finalize is reserved for destructors in .NET).</summary>
    public static void Shutdown()
    {
        lock (Gate)
        {
            if (current is null)
            {
                throw new Pkcs11Exception(CKR.CKR_CRYPTOKI_NOT_INITIALIZED, "C_Initialize has not been called");
            }

            current = null;
        }

        ProviderLog.Finalized(ProviderLogging.Logger);
    }

    /// <summary>CK_INFO content: Cryptoki 2.40 through C_GetFunctionList (3.0 through C_GetInterface).</summary>
    public static ModuleInfo GetInfo()
    {
        _ = Current;
        var version = ModuleVersion;
        return new ModuleInfo(2, 40, "CodeSigning", "CodeSigning PKCS#11 module", (byte)version.Major, (byte)version.Minor);
    }

    private static Version ModuleVersion => typeof(Provider).Assembly.GetName().Version ?? new Version(1, 0);
}
