using System.Collections.Concurrent;
using System.Formats.Asn1;
using System.Security.Cryptography;
using CodeSigning.V1;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using ISession = Net.Pkcs11Interop.HighLevelAPI.ISession;

namespace CodeSigning.Server.Keys;

/// <summary>
/// Keys generated inside a PKCS#11 token (an HSM; SoftHSM2 in the tests) as sensitive, non-extractable
/// token objects; every signature is made by the token. One login, held by a session that stays
/// open for the vault's lifetime; signatures run on a pool of sessions so calls proceed in parallel.
/// </summary>
public sealed class Pkcs11KeyVault : IKeyVault, IDisposable
{
    public const string VaultKind = "pkcs11";

    private readonly IPkcs11Library _library;
    private readonly ISlot _slot;
    private readonly ISession _loginSession;
    private readonly ConcurrentBag<ISession> _sessions = [];
    private readonly ConcurrentDictionary<string, IObjectHandle> _privateKeys = new(StringComparer.Ordinal);

    private Pkcs11KeyVault(IPkcs11Library library, ISlot slot, ISession loginSession)
    {
        _library = library;
        _slot = slot;
        _loginSession = loginSession;
    }

    public string Kind => VaultKind;

    /// <summary>Loads the module, finds the token and logs in.</summary>
    /// <exception cref="InvalidOperationException">The module, the token or the login failed; the message says which and why.</exception>
    public static Pkcs11KeyVault Open(Pkcs11VaultOptions options)
    {
        IPkcs11Library library;
        try
        {
            library = Pkcs11Interop.Factories.Pkcs11LibraryFactory.LoadPkcs11Library(Pkcs11Interop.Factories, options.ModulePath, AppType.MultiThreaded);
        }
        catch (Exception e) when (e is Pkcs11Exception or UnmanagedException or DllNotFoundException or IOException)
        {
            throw new InvalidOperationException($"cannot load the PKCS#11 module {options.ModulePath}: {e.Message}", e);
        }
        try
        {
            var slot = library.GetSlotList(SlotsType.WithTokenPresent).FirstOrDefault(s => s.GetTokenInfo().Label.Trim() == options.TokenLabel)
                ?? throw new InvalidOperationException($"the PKCS#11 module {options.ModulePath} has no token labelled '{options.TokenLabel}'");
            var session = slot.OpenSession(SessionType.ReadWrite);
            try
            {
                session.Login(CKU.CKU_USER, options.Pin);
            }
            catch (Pkcs11Exception e) when (e.RV != CKR.CKR_USER_ALREADY_LOGGED_IN)
            {
                session.Dispose();
                throw new InvalidOperationException($"cannot log in to {options}: {e.RV}", e);
            }
            return new Pkcs11KeyVault(library, slot, session);
        }
        catch (Pkcs11Exception e)
        {
            library.Dispose();
            throw new InvalidOperationException($"{options}: {e.Method} failed with {e.RV}", e);
        }
        catch
        {
            library.Dispose();
            throw;
        }
    }

    public VaultKey Generate(KeyAlgorithm algorithm, string label)
    {
        var id = Pkcs11KeyReference.NewId();
        var attributes = Pkcs11Interop.Factories.ObjectAttributeFactory;
        List<IObjectAttribute> publicTemplate =
        [
            attributes.Create(CKA.CKA_TOKEN, true), attributes.Create(CKA.CKA_PRIVATE, false), attributes.Create(CKA.CKA_VERIFY, true),
            attributes.Create(CKA.CKA_ID, id), attributes.Create(CKA.CKA_LABEL, label),
        ];
        List<IObjectAttribute> privateTemplate =
        [
            attributes.Create(CKA.CKA_TOKEN, true), attributes.Create(CKA.CKA_PRIVATE, true), attributes.Create(CKA.CKA_SENSITIVE, true),
            attributes.Create(CKA.CKA_EXTRACTABLE, false), attributes.Create(CKA.CKA_SIGN, true),
            attributes.Create(CKA.CKA_ID, id), attributes.Create(CKA.CKA_LABEL, label),
        ];
        CKM mechanism;
        switch (algorithm)
        {
            case KeyAlgorithm.Rsa2048 or KeyAlgorithm.Rsa3072 or KeyAlgorithm.Rsa4096:
                mechanism = CKM.CKM_RSA_PKCS_KEY_PAIR_GEN;
                publicTemplate.Add(attributes.Create(CKA.CKA_MODULUS_BITS, (ulong)KeyAlgorithms.RsaBits(algorithm)));
                publicTemplate.Add(attributes.Create(CKA.CKA_PUBLIC_EXPONENT, new byte[] { 1, 0, 1 }));
                break;
            case KeyAlgorithm.EcP256 or KeyAlgorithm.EcP384 or KeyAlgorithm.EcP521:
                mechanism = CKM.CKM_EC_KEY_PAIR_GEN;
                var writer = new AsnWriter(AsnEncodingRules.DER);
                writer.WriteObjectIdentifier(KeyAlgorithms.Curve(algorithm).Oid.Value!);
                publicTemplate.Add(attributes.Create(CKA.CKA_EC_PARAMS, writer.Encode()));
                break;
            default:
                throw new NotSupportedException($"Key algorithm {algorithm} is not supported.");
        }

        return WithSession(session =>
        {
            session.GenerateKeyPair(Pkcs11Interop.Factories.MechanismFactory.Create(mechanism), publicTemplate, privateTemplate, out var publicKey, out var privateKey);
            _privateKeys[Convert.ToHexString(id)] = privateKey;
            return new VaultKey(Pkcs11KeyReference.Create(id), SubjectPublicKeyInfo(session, publicKey, algorithm), algorithm);
        });
    }

    public void Discard(ReadOnlySpan<byte> keyReference)
    {
        var id = Pkcs11KeyReference.Id(keyReference);
        _privateKeys.TryRemove(Convert.ToHexString(id), out _);
        WithSession(session =>
        {
            foreach (var handle in session.FindAllObjects([Pkcs11Interop.Factories.ObjectAttributeFactory.Create(CKA.CKA_ID, id)]))
            {
                session.DestroyObject(handle);
            }
            return true;
        });
    }

    public byte[] SignDigest(ReadOnlySpan<byte> keyReference, SignatureScheme scheme, DigestAlgorithm digestAlgorithm, ReadOnlySpan<byte> digest)
    {
        var id = Pkcs11KeyReference.Id(keyReference);
        var (hashMechanism, mgf, hashOid) = digestAlgorithm switch
        {
            DigestAlgorithm.Sha256 => (CKM.CKM_SHA256, CKG.CKG_MGF1_SHA256, "2.16.840.1.101.3.4.2.1"),
            DigestAlgorithm.Sha384 => (CKM.CKM_SHA384, CKG.CKG_MGF1_SHA384, "2.16.840.1.101.3.4.2.2"),
            DigestAlgorithm.Sha512 => (CKM.CKM_SHA512, CKG.CKG_MGF1_SHA512, "2.16.840.1.101.3.4.2.3"),
            _ => throw new NotSupportedException($"Digest algorithm {digestAlgorithm} is not supported."),
        };
        var (mechanism, data) = scheme switch
        {
            SignatureScheme.RsaPkcs1V15 => (Pkcs11Interop.Factories.MechanismFactory.Create(CKM.CKM_RSA_PKCS), DigestInfo(hashOid, digest)),
            // The contract's PSS: MGF1 with the digest's hash, salt as long as the digest.
            SignatureScheme.RsaPss => (Pkcs11Interop.Factories.MechanismFactory.Create(CKM.CKM_RSA_PKCS_PSS,
                Pkcs11Interop.Factories.MechanismParamsFactory.CreateCkRsaPkcsPssParams(
                    ConvertUtils.UInt64FromCKM(hashMechanism), ConvertUtils.UInt64FromCKG(mgf), (ulong)digest.Length)), digest.ToArray()),
            // CKM_ECDSA returns r||s, each half the curve size: already the contract's format.
            SignatureScheme.Ecdsa => (Pkcs11Interop.Factories.MechanismFactory.Create(CKM.CKM_ECDSA), digest.ToArray()),
            _ => throw new NotSupportedException($"Signature scheme {scheme} is not supported."),
        };
        return WithSession(session =>
        {
            var handle = PrivateKey(session, id);
            try
            {
                return session.Sign(mechanism, handle, data);
            }
            catch (Pkcs11Exception e) when (e.RV is CKR.CKR_OBJECT_HANDLE_INVALID or CKR.CKR_KEY_HANDLE_INVALID)
            {
                // The token was reset or the object re-created since the handle was cached: look it up again.
                _privateKeys.TryRemove(Convert.ToHexString(id), out _);
                return session.Sign(mechanism, PrivateKey(session, id), data);
            }
        });
    }

    /// <summary>C_GetSessionInfo on a pooled session: the token answers, and the session is still logged in.</summary>
    public void Probe() => WithSession(session => session.GetSessionInfo());

    public void Dispose()
    {
        while (_sessions.TryTake(out var session))
        {
            session.Dispose();
        }
        _loginSession.Dispose();
        _library.Dispose();
    }

    /// <summary>Runs on a pooled session; a session that failed is closed rather than reused.</summary>
    private T WithSession<T>(Func<ISession, T> action)
    {
        var session = _sessions.TryTake(out var pooled) ? pooled : _slot.OpenSession(SessionType.ReadWrite);
        try
        {
            var result = action(session);
            _sessions.Add(session);
            return result;
        }
        catch (Pkcs11Exception e) when (e.RV is CKR.CKR_SESSION_HANDLE_INVALID or CKR.CKR_SESSION_CLOSED or CKR.CKR_DEVICE_REMOVED or CKR.CKR_DEVICE_ERROR)
        {
            session.Dispose();
            throw;
        }
        catch
        {
            _sessions.Add(session);
            throw;
        }
    }

    private IObjectHandle PrivateKey(ISession session, byte[] id) =>
        _privateKeys.GetOrAdd(Convert.ToHexString(id), _ =>
        {
            var attributes = Pkcs11Interop.Factories.ObjectAttributeFactory;
            var found = session.FindAllObjects([attributes.Create(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY), attributes.Create(CKA.CKA_ID, id)]);
            return found.Count == 1
                ? found[0]
                : throw new CryptographicException($"the HSM token holds {found.Count} private keys with CKA_ID {Convert.ToHexString(id)}, expected 1");
        });

    private static byte[] SubjectPublicKeyInfo(ISession session, IObjectHandle publicKey, KeyAlgorithm algorithm)
    {
        if (KeyAlgorithms.IsEc(algorithm))
        {
            // CKA_EC_POINT is the DER OCTET STRING around the uncompressed point 04 || X || Y.
            var point = AsnDecoder.ReadOctetString(session.GetAttributeValue(publicKey, [CKA.CKA_EC_POINT])[0].GetValueAsByteArray(), AsnEncodingRules.DER, out _);
            var half = (point.Length - 1) / 2;
            using var ecdsa = ECDsa.Create(new ECParameters
            {
                Curve = KeyAlgorithms.Curve(algorithm),
                Q = new ECPoint { X = point[1..(1 + half)], Y = point[(1 + half)..] },
            });
            return ecdsa.ExportSubjectPublicKeyInfo();
        }
        var values = session.GetAttributeValue(publicKey, [CKA.CKA_MODULUS, CKA.CKA_PUBLIC_EXPONENT]);
        using var rsa = RSA.Create(new RSAParameters { Modulus = values[0].GetValueAsByteArray(), Exponent = values[1].GetValueAsByteArray() });
        return rsa.ExportSubjectPublicKeyInfo();
    }

    /// <summary>The PKCS#1 v1.5 DigestInfo CKM_RSA_PKCS expects: SEQUENCE { AlgorithmIdentifier { hash, NULL }, OCTET STRING digest }.</summary>
    private static byte[] DigestInfo(string hashOid, ReadOnlySpan<byte> digest)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(hashOid);
                writer.WriteNull();
            }
            writer.WriteOctetString(digest);
        }
        return writer.Encode();
    }
}
