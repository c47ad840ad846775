using System.Collections.Concurrent;
using CodeSigning.Pkcs11.Configuration;
using CodeSigning.Pkcs11.Cryptoki;
using CodeSigning.Pkcs11.Logging;
using CodeSigning.Pkcs11.Remote;
using CodeSigning.Pkcs11.Sessions;
using CodeSigning.Pkcs11.Tokens;
using Microsoft.Extensions.Logging;

namespace CodeSigning.Pkcs11;

/// <summary>
/// The module's process-wide state between C_Initialize and C_Finalize. Every C_* call reaches
/// the PKCS#11 behaviour through here (the partial files hold slots, sessions, objects, signing).
/// </summary>
public sealed partial class Provider : IDisposable
{
    private static readonly Lock Gate = new();
    private static Provider? _current;

    /// <summary>The process whose runtime threads (thread pool, socket engine) the module first used.</summary>
    private static int? _runtimePid;

    private readonly int _pid;
    private readonly RemoteClient _remote;
    private readonly Credential? _credential;
    private readonly TokenDirectory _tokens;
    private readonly RemoteSigner _signer;
    private readonly SessionTable _sessions = new();

    /// <summary>Slots the application has logged in to, with the bearer the PIN carried (empty when the configuration holds credentials).</summary>
    private readonly ConcurrentDictionary<ulong, string> _logins = new();

    private Provider(InitializeOptions options, ModuleConfiguration configuration, TimeProvider time)
    {
        Options = options;
        _pid = ProcessIdentity.CurrentPid();
        var logger = ProviderLogging.Logger;
        _remote = new RemoteClient(configuration, logger);
        try
        {
            _credential = Credential.FromConfiguration(configuration.Auth, time);
        }
        catch
        {
            _remote.Dispose();
            throw;
        }

        _tokens = new TokenDirectory(configuration, _remote, _credential, time, logger);
        _signer = new RemoteSigner(_remote, TimeSpan.FromSeconds(configuration.ApprovalWaitSeconds), time, logger);
    }

    public InitializeOptions Options { get; }

    /// <summary>The initialized provider, or CKR_CRYPTOKI_NOT_INITIALIZED (also in a fork() child until it initializes).</summary>
    public static Provider Current
    {
        get
        {
            var provider = Volatile.Read(ref _current);
            return provider is not null && provider._pid == ProcessIdentity.CurrentPid()
                ? provider
                : throw new Pkcs11Exception(CKR.CKR_CRYPTOKI_NOT_INITIALIZED, "C_Initialize has not been called");
        }
    }

    public static bool IsInitialized => Volatile.Read(ref _current) is { } provider && provider._pid == ProcessIdentity.CurrentPid();

    public static void Initialize(InitializeOptions options) => Initialize(options, Environment.GetEnvironmentVariable, TimeProvider.System);

    public static void Initialize(InitializeOptions options, Func<string, string?> environment, TimeProvider time)
    {
        // We lock with our own primitives only, so an application that insists on its own mutex
        // callbacks (without CKF_OS_LOCKING_OK) cannot be served safely.
        if (options.HasMutexCallbacks && !options.OsLockingOk)
        {
            throw new Pkcs11Exception(CKR.CKR_CANT_LOCK, "mutex callbacks without CKF_OS_LOCKING_OK are not supported");
        }

        lock (Gate)
        {
            if (IsInitialized)
            {
                throw new Pkcs11Exception(CKR.CKR_CRYPTOKI_ALREADY_INITIALIZED, "C_Initialize was already called");
            }

            // After fork() only the calling thread exists in the child, but the runtime believes
            // its thread pool and socket threads still run: network calls would hang forever.
            if (_runtimePid is { } owner && owner != ProcessIdentity.CurrentPid())
            {
                ProviderLog.ForkedChildRefused(ProviderLogging.Logger, owner);
                throw new Pkcs11Exception(CKR.CKR_FUNCTION_FAILED, "cannot initialize in a fork() child of a process that used the module");
            }

            ModuleConfiguration configuration;
            try
            {
                configuration = ConfigurationLoader.Load(options.ConfigPath, environment);
                ProviderLogging.Configure(configuration);

                _current = new Provider(options, configuration, time);
                ModuleCounters.Reset();
                _runtimePid ??= _current._pid;
            }
            catch (ConfigurationException ex)
            {
                ProviderLog.ConfigurationRefused(ProviderLogging.Logger, ex.Message);
                throw new Pkcs11Exception(CKR.CKR_GENERAL_ERROR, ex.Message);
            }
        }

        ProviderLog.Initialized(ProviderLogging.Logger, ModuleVersion);
    }

    /// <summary>C_Finalize (named Shutdown: Finalize is reserved for destructors in .NET).</summary>
    public static void Shutdown()
    {
        lock (Gate)
        {
            var provider = Current;
            _current = null;
            provider.Dispose();
        }

        ProviderLog.Counters(ProviderLogging.Logger, ModuleCounters.Summary());
        ProviderLog.Finalized(ProviderLogging.Logger);
    }

    /// <summary>CK_INFO content: Cryptoki 2.40 through C_GetFunctionList (3.0 through C_GetInterface).</summary>
    public static ModuleInfo GetInfo()
    {
        _ = Current;
        var version = ModuleVersion;
        return new ModuleInfo(2, 40, "CodeSigning", "CodeSigning PKCS#11 module", (byte)version.Major, (byte)version.Minor);
    }

    public void Dispose()
    {
        _remote.Dispose();
        (_credential as IDisposable)?.Dispose();
    }

    /// <summary>Runs a call that may reach the server and turns a server failure into its CK_RV (<see cref="RemoteFailure"/>).</summary>
    private static T Remote<T>(Func<T> call, RemoteFailure.During during = RemoteFailure.During.Lookup)
    {
        try
        {
            return call();
        }
        catch (RemoteException ex)
        {
            // RemoteSigner has logged a signature's failure, with its correlation id.
            if (!ex.IsUnreachable && during != RemoteFailure.During.Sign)
            {
                ProviderLog.ServerRefused(ProviderLogging.Logger, ex.Cause, ex.Message);
            }

            throw new Pkcs11Exception(RemoteFailure.ToResult(ex, during), $"server: {ex.Cause}: {ex.Message}", ex);
        }
    }

    private static Version ModuleVersion => typeof(Provider).Assembly.GetName().Version ?? new Version(1, 0);
}
