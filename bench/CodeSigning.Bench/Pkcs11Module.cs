using System.Runtime.InteropServices;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace CodeSigning.Bench;

/// <summary>
/// A PKCS#11 module loaded in this process through Pkcs11Interop: the same client code drives our
/// module and SoftHSM2, so the two differ only in what is behind C_Sign.
/// </summary>
public sealed class Pkcs11Module : IDisposable
{
    private static readonly Pkcs11InteropFactories Factories = new();
    private readonly IPkcs11Library _library;

    static Pkcs11Module()
    {
        // Pkcs11Interop 5.3 asks for "libdl"; Debian 12 ships only libdl.so.2.
        NativeLibrary.SetDllImportResolver(typeof(Pkcs11InteropFactories).Assembly, (name, _, _) =>
            name == "libdl" && OperatingSystem.IsLinux() ? NativeLibrary.Load("libdl.so.2") : IntPtr.Zero);
    }

    /// <summary>Loads the module and calls C_Initialize (multi-threaded, OS locking).</summary>
    public Pkcs11Module(string path)
    {
        Path = path;
        _library = Factories.Pkcs11LibraryFactory.LoadPkcs11Library(Factories, path, AppType.MultiThreaded);
    }

    public string Path { get; }

    public ISlot Slot(string tokenLabel) =>
        _library.GetSlotList(SlotsType.WithTokenPresent).SingleOrDefault(s => s.GetTokenInfo().Label == tokenLabel)
            ?? throw new InvalidOperationException($"{Path}: no token labelled '{tokenLabel}'");

    public static IObjectHandle PrivateKey(ISession session, string keyLabel) =>
        session.FindAllObjects(
            [
                session.Factories.ObjectAttributeFactory.Create(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY),
                session.Factories.ObjectAttributeFactory.Create(CKA.CKA_LABEL, keyLabel),
            ]).SingleOrDefault()
            ?? throw new InvalidOperationException($"no private key labelled '{keyLabel}'");

    /// <summary>A worker with its own session that signs <paramref name="input"/> with <paramref name="mechanism"/> on each call.</summary>
    public ISignWorker CreateWorker(string tokenLabel, string keyLabel, CKM mechanism, byte[] input)
    {
        var session = Slot(tokenLabel).OpenSession(SessionType.ReadOnly);
        try
        {
            return new SessionWorker(session, PrivateKey(session, keyLabel), mechanism, input);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>One multi-part signature over a stream, fed to C_SignUpdate in chunks of <paramref name="chunkSize"/> bytes.</summary>
    public byte[] SignStream(string tokenLabel, string keyLabel, CKM mechanism, Stream data, int chunkSize)
    {
        using var session = Slot(tokenLabel).OpenSession(SessionType.ReadOnly);
        var key = PrivateKey(session, keyLabel);
        return session.Sign(session.Factories.MechanismFactory.Create(mechanism), key, data, chunkSize);
    }

    public void Dispose() => _library.Dispose();

    private sealed class SessionWorker(ISession session, IObjectHandle key, CKM mechanism, byte[] input) : ISignWorker
    {
        private readonly IMechanism _mechanism = session.Factories.MechanismFactory.Create(mechanism);

        public byte[] Sign() => session.Sign(_mechanism, key, input);

        public void Dispose() => session.Dispose();
    }
}
