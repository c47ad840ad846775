namespace CodeSigning.Pkcs11;

/// <summary>
/// C_Initialize arguments after the shim has read CK_C_INITIALIZE_ARGS.
/// </summary>
/// <param name="HasMutexCallbacks">The application passed CreateMutex/DestroyMutex/LockMutex/UnlockMutex.</param>
/// <param name="OsLockingOk">CKF_OS_LOCKING_OK was set.</param>
/// <param name="ConfigPath">pReserved as a path to the module configuration, if given.</param>
public sealed record InitializeOptions(bool HasMutexCallbacks, bool OsLockingOk, string? ConfigPath)
{
    public static InitializeOptions None { get; } = new(false, false, null);
}
