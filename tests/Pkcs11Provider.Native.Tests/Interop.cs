using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Net.Pkcs11Interop.HighLevelAPI.MechanismParams;

namespace CodeSigning.Pkcs11.Native.Tests;

/// <summary>The published module loaded through Pkcs11Interop, and the lookups the tests repeat.</summary>
internal static class Interop
{
    private static readonly Pkcs11InteropFactories Factories = new();

    static Interop()
    {
        // Pkcs11Interop 5.3 asks for "libdl"; Debian 12 ships only libdl.so.2.
        NativeLibrary.SetDllImportResolver(typeof(Pkcs11InteropFactories).Assembly, (name, _, _) =>
            name == "libdl" && OperatingSystem.IsLinux() ? NativeLibrary.Load("libdl.so.2") : IntPtr.Zero);
    }

    /// <summary>C_Initialize (multi-threaded, OS locking) with the configuration CODESIGN_PKCS11_CONFIG names.</summary>
    public static IPkcs11Library Load() => Factories.Pkcs11LibraryFactory.LoadPkcs11Library(Factories, NativeModule.Path, AppType.MultiThreaded);

    /// <summary>C_Initialize of another PKCS#11 module (SoftHSM2), with the same libdl mapping.</summary>
    public static IPkcs11Library Load(string modulePath) => Factories.Pkcs11LibraryFactory.LoadPkcs11Library(Factories, modulePath, AppType.MultiThreaded);

    public static ISlot Slot(IPkcs11Library library, string label) =>
        library.GetSlotList(SlotsType.WithTokenPresent).Single(s => s.GetTokenInfo().Label == label);

    public static List<IObjectHandle> Find(ISession session, CKO objectClass) =>
        session.FindAllObjects([session.Factories.ObjectAttributeFactory.Create(CKA.CKA_CLASS, objectClass)]);

    public static IObjectHandle PrivateKey(ISession session) => Find(session, CKO.CKO_PRIVATE_KEY).Single();

    public static bool IsPss(CKM type) => type is CKM.CKM_RSA_PKCS_PSS or >= CKM.CKM_SHA256_RSA_PKCS_PSS and <= CKM.CKM_SHA512_RSA_PKCS_PSS;

    /// <summary>The mechanism with PSS parameters for the hash where it needs them.</summary>
    public static IMechanism Mechanism(ISession session, CKM type, HashAlgorithmName hash)
    {
        if (!IsPss(type))
        {
            return session.Factories.MechanismFactory.Create(type);
        }

        var (ckm, mgf, length) = hash.Name switch
        {
            "SHA256" => (CKM.CKM_SHA256, CKG.CKG_MGF1_SHA256, 32ul),
            "SHA384" => (CKM.CKM_SHA384, CKG.CKG_MGF1_SHA384, 48ul),
            _ => (CKM.CKM_SHA512, CKG.CKG_MGF1_SHA512, 64ul),
        };
        IMechanismParams parameters = session.Factories.MechanismParamsFactory.CreateCkRsaPkcsPssParams(ConvertUtils.UInt64FromCKM(ckm), ConvertUtils.UInt64FromCKG(mgf), length);
        return session.Factories.MechanismFactory.Create(type, parameters);
    }

    /// <summary>What C_Sign gets for a mechanism: the data, a digest (prehashed), or a DigestInfo (CKM_RSA_PKCS).</summary>
    public static byte[] Input(CKM type, HashAlgorithmName hash, byte[] data)
    {
        var digest = CryptographicOperations.HashData(hash, data);
        return type switch
        {
            CKM.CKM_RSA_PKCS => [.. DigestInfoPrefix(hash), .. digest],
            CKM.CKM_RSA_PKCS_PSS or CKM.CKM_ECDSA => digest,
            _ => data,
        };
    }

    /// <summary>Whether <paramref name="signature"/>, made with <paramref name="type"/> over <paramref name="data"/>, verifies with the Signer's certificate.</summary>
    public static bool VerifiesWithCertificate(CodeSigning.V1.Signer signer, CKM type, HashAlgorithmName hash, byte[] data, byte[] signature)
    {
        using var certificate = X509CertificateLoader.LoadCertificate(signer.CertificateChain[0].ToByteArray());
        var digest = CryptographicOperations.HashData(hash, data);
        return certificate.GetRSAPublicKey() is { } rsa
            ? rsa.VerifyHash(digest, signature, hash, IsPss(type) ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1)
            : certificate.GetECDsaPublicKey()!.VerifyHash(digest, signature);
    }

    public static CKR Code(Action call) => Assert.Throws<Net.Pkcs11Interop.Common.Pkcs11Exception>(call).RV;

    private static byte[] DigestInfoPrefix(HashAlgorithmName hash) => hash.Name switch
    {
        "SHA256" => [0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20],
        "SHA384" => [0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30],
        _ => [0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40],
    };
}
