using System.Collections.Concurrent;
using CodeSigning.Ksp.Cng;
using CodeSigning.Ksp.Logging;
using CodeSigning.Pkcs11.Logging;
using CodeSigning.Pkcs11.Mechanisms;
using CodeSigning.Pkcs11.Tokens;
using CodeSigning.V1;
using static CodeSigning.Ksp.Cng.NCrypt;
using static CodeSigning.Ksp.Cng.SECURITY_STATUS;

namespace CodeSigning.Ksp;

/// <summary>
/// The CNG Key Storage Provider behind the function table, in managed terms: the provider and key
/// handles ncrypt.dll holds, key enumerations, properties and signatures. Each provider handle has
/// its own <see cref="KeyStorage"/> (configuration read at NCryptOpenStorageProvider); a key handle
/// belongs to the provider handle it was opened with.
/// </summary>
public sealed class KeyStorageProvider(Func<string, string?> environment, TimeProvider time)
{
    private readonly ConcurrentDictionary<nuint, KeyStorage> _providers = new();
    private readonly ConcurrentDictionary<nuint, OpenedKey> _keys = new();
    private readonly ConcurrentDictionary<nuint, Enumeration> _enumerations = new();
    private long _lastHandle;

    /// <summary>The process's provider, configured from the process environment.</summary>
    public static KeyStorageProvider Instance { get; } = new(ProcessEnvironment, TimeProvider.System);

    public nuint OpenProvider(uint flags)
    {
        CheckFlags(flags, NCRYPT_SILENT_FLAG);
        var handle = NextHandle();
        _providers[handle] = KeyStorage.Open(environment, time);
        KspLog.ProviderOpened(ProviderLogging.Logger, typeof(KeyStorageProvider).Assembly.GetName().Version ?? new Version(1, 0), handle);
        return handle;
    }

    /// <summary>Frees the provider handle with the keys and enumerations opened through it.</summary>
    public void FreeProvider(nuint provider)
    {
        if (!_providers.TryRemove(provider, out var storage))
        {
            throw InvalidHandle("provider", provider);
        }

        foreach (var (handle, key) in _keys)
        {
            if (key.Provider == provider)
            {
                _keys.TryRemove(handle, out _);
            }
        }

        foreach (var (id, enumeration) in _enumerations)
        {
            if (enumeration.Provider == provider)
            {
                _enumerations.TryRemove(id, out _);
            }
        }

        storage.Dispose();
    }

    /// <param name="legacyKeySpec">0, AT_KEYEXCHANGE or AT_SIGNATURE: a certificate's CERT_KEY_PROV_INFO may name either.</param>
    public nuint OpenKey(nuint provider, string name, uint legacyKeySpec, uint flags)
    {
        var storage = Storage(provider);
        CheckFlags(flags, NCRYPT_MACHINE_KEY_FLAG | NCRYPT_SILENT_FLAG);
        if (legacyKeySpec is not (0 or AT_KEYEXCHANGE or AT_SIGNATURE))
        {
            throw new KspException(NTE_INVALID_PARAMETER, $"dwLegacyKeySpec {legacyKeySpec} is none of 0, AT_KEYEXCHANGE, AT_SIGNATURE");
        }

        var signer = storage.Find(name);
        var handle = NextHandle();
        _keys[handle] = new OpenedKey(provider, signer);
        return handle;
    }

    public void FreeKey(nuint provider, nuint key)
    {
        _ = Key(provider, key);
        _keys.TryRemove(key, out _);
    }

    /// <summary>Starts an enumeration under <paramref name="id"/> (the native enumeration state's address).</summary>
    public void BeginEnumeration(nuint provider, nuint id, uint flags)
    {
        var storage = Storage(provider);
        CheckFlags(flags, NCRYPT_MACHINE_KEY_FLAG | NCRYPT_SILENT_FLAG);
        _enumerations[id] = new Enumeration(provider, storage.Keys());
    }

    /// <summary>The next key of an enumeration; NTE_NO_MORE_ITEMS after the last.</summary>
    public SignerSnapshot NextKey(nuint provider, nuint id)
    {
        _ = Storage(provider);
        if (!_enumerations.TryGetValue(id, out var enumeration) || enumeration.Provider != provider)
        {
            throw new KspException(NTE_INVALID_PARAMETER, "ppEnumState is not an enumeration of this provider");
        }

        return enumeration.Next() ?? throw new KspException(NTE_NO_MORE_ITEMS, "no more keys");
    }

    /// <summary>Forgets an enumeration (NCryptFreeBuffer of its state); false when there is none under that id.</summary>
    public bool EndEnumeration(nuint id) => _enumerations.TryRemove(id, out _);

    public byte[] GetProviderProperty(nuint provider, string property, uint flags)
    {
        _ = Storage(provider);
        CheckFlags(flags, NCRYPT_SILENT_FLAG);
        return KeyProperties.OfProvider(property);
    }

    public byte[] GetKeyProperty(nuint provider, nuint key, string property, uint flags)
    {
        var opened = Key(provider, key);
        CheckFlags(flags, NCRYPT_SILENT_FLAG);
        return KeyProperties.OfKey(opened.Signer, property);
    }

    /// <summary>Checks NCryptSignHash's arguments and says how long the signature will be, before any server call.</summary>
    public (SignatureInput Input, int Length) PrepareSignHash(nuint provider, nuint key, PaddingInfo? padding, ReadOnlySpan<byte> hash, uint flags)
    {
        var signer = Key(provider, key).Signer;
        return (HashSignature.Prepare(signer.Key, flags, padding, hash), signer.Key.SignatureLength);
    }

    /// <summary>The signature, made by the server, which authorizes and audits it.</summary>
    public byte[] SignHash(nuint provider, nuint key, SignatureInput input) =>
        Storage(provider).Sign(Key(provider, key).Signer, input);

    public byte[] ExportPublicKey(nuint provider, nuint key, nuint exportKey, string blobType, uint flags)
    {
        var signer = Key(provider, key).Signer;
        CheckFlags(flags, NCRYPT_SILENT_FLAG);
        return exportKey != 0
            ? throw new KspException(NTE_NOT_SUPPORTED, "keys are not exported wrapped: only the public blob is offered")
            : PublicKeyBlob.Export(signer.Key, blobType);
    }

    /// <summary>NCryptIsAlgSupported: the algorithms this provider's keys sign with.</summary>
    public void IsAlgorithmSupported(nuint provider, string algorithm, uint flags)
    {
        _ = Storage(provider);
        CheckFlags(flags, NCRYPT_SILENT_FLAG);
        if (algorithm is not (NCRYPT_RSA_ALGORITHM or NCRYPT_ECDSA_P256_ALGORITHM or NCRYPT_ECDSA_P384_ALGORITHM or NCRYPT_ECDSA_P521_ALGORITHM))
        {
            throw new KspException(NTE_NOT_SUPPORTED, $"algorithm \"{DisplayText.Escape(algorithm)}\" is not offered");
        }
    }

    /// <summary>The answer to what a remote signing-only key cannot do (create, import, decrypt, ...), for a valid provider handle.</summary>
    public KspException NotSupported(nuint provider, string function)
    {
        _ = Storage(provider);
        return new KspException(NTE_NOT_SUPPORTED, $"{function}: the keys live on the signing server and only sign");
    }

    private KeyStorage Storage(nuint provider) =>
        _providers.TryGetValue(provider, out var storage) ? storage : throw InvalidHandle("provider", provider);

    private OpenedKey Key(nuint provider, nuint key)
    {
        _ = Storage(provider);
        return _keys.TryGetValue(key, out var opened) && opened.Provider == provider ? opened : throw InvalidHandle("key", key);
    }

    private nuint NextHandle() => (nuint)Interlocked.Increment(ref _lastHandle);

    private static void CheckFlags(uint flags, uint allowed)
    {
        if ((flags & ~allowed) != 0)
        {
            throw new KspException(NTE_BAD_FLAGS, $"dwFlags 0x{flags:X} has bits this function does not define (allowed: 0x{allowed:X})");
        }
    }

    private static KspException InvalidHandle(string kind, nuint handle) => new(NTE_INVALID_HANDLE, $"no open {kind} handle {handle}");

    /// <summary>The process environment, with HOME falling back to USERPROFILE on Windows for the per-user configuration path.</summary>
    private static string? ProcessEnvironment(string name) =>
        Environment.GetEnvironmentVariable(name)
        ?? (name == "HOME" && OperatingSystem.IsWindows() ? Environment.GetEnvironmentVariable("USERPROFILE") : null);

    private sealed record OpenedKey(nuint Provider, SignerSnapshot Signer);

    private sealed class Enumeration(nuint provider, IReadOnlyList<SignerSnapshot> keys)
    {
        private int _next;

        public nuint Provider { get; } = provider;

        public SignerSnapshot? Next()
        {
            var index = Interlocked.Increment(ref _next) - 1;
            return index < keys.Count ? keys[index] : null;
        }
    }
}
