using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace CodeSigning.Bench;

/// <summary>
/// A SoftHSM2 token in a store of its own (SOFTHSM2_CONF under a temporary directory) holding one
/// key pair per algorithm, labelled with <see cref="BenchAlgorithm.Id"/>: the local token a user
/// would otherwise pick. Logged in for as long as it lives.
/// </summary>
public sealed class SoftHsmToken : IDisposable
{
    public const string TokenLabel = "codesign-bench";
    public const string Pin = "12345678";

    private readonly DirectoryInfo _directory;
    private readonly ISession _login;

    private SoftHsmToken(DirectoryInfo directory, Pkcs11Module module, ISession login)
    {
        _directory = directory;
        Module = module;
        _login = login;
    }

    /// <summary>BENCH_SOFTHSM_LIB, else Debian's libsofthsm2.so.</summary>
    public static string LibraryPath =>
        Environment.GetEnvironmentVariable("BENCH_SOFTHSM_LIB") is { Length: > 0 } path ? path : "/usr/lib/softhsm/libsofthsm2.so";

    public Pkcs11Module Module { get; }

    /// <summary>The SOFTHSM2_CONF a separate process needs to see this token.</summary>
    public string ConfigPath => Path.Combine(_directory.FullName, "softhsm2.conf");

    public static SoftHsmToken Create(IEnumerable<BenchAlgorithm> algorithms)
    {
        var directory = Directory.CreateTempSubdirectory("codesign-bench-softhsm-");
        var config = Path.Combine(directory.FullName, "softhsm2.conf");
        var tokens = Directory.CreateDirectory(Path.Combine(directory.FullName, "tokens")).FullName;
        File.WriteAllText(config, $"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
        NativeEnvironment.Set("SOFTHSM2_CONF", config);
        ToolProcess.Run("softhsm2-util", ["--init-token", "--free", "--label", TokenLabel, "--so-pin", "87654321", "--pin", Pin]);

        var module = new Pkcs11Module(LibraryPath);
        var session = module.Slot(TokenLabel).OpenSession(SessionType.ReadWrite);
        session.Login(CKU.CKU_USER, Pin);
        foreach (var algorithm in algorithms)
        {
            GenerateKeyPair(session, algorithm);
        }
        return new SoftHsmToken(directory, module, session);
    }

    public void Dispose()
    {
        _login.Dispose();
        Module.Dispose();
        _directory.Delete(recursive: true);
    }

    private static void GenerateKeyPair(ISession session, BenchAlgorithm algorithm)
    {
        var attributes = session.Factories.ObjectAttributeFactory;
        List<IObjectAttribute> publicKey =
        [
            attributes.Create(CKA.CKA_TOKEN, true),
            attributes.Create(CKA.CKA_LABEL, algorithm.Id),
            attributes.Create(CKA.CKA_VERIFY, true),
        ];
        List<IObjectAttribute> privateKey =
        [
            attributes.Create(CKA.CKA_TOKEN, true),
            attributes.Create(CKA.CKA_PRIVATE, true),
            attributes.Create(CKA.CKA_LABEL, algorithm.Id),
            attributes.Create(CKA.CKA_SIGN, true),
            attributes.Create(CKA.CKA_SENSITIVE, true),
            attributes.Create(CKA.CKA_EXTRACTABLE, false),
        ];
        CKM mechanism;
        if (algorithm.IsRsa)
        {
            mechanism = CKM.CKM_RSA_PKCS_KEY_PAIR_GEN;
            publicKey.Add(attributes.Create(CKA.CKA_MODULUS_BITS, (ulong)algorithm.RsaBits));
            publicKey.Add(attributes.Create(CKA.CKA_PUBLIC_EXPONENT, new byte[] { 0x01, 0x00, 0x01 }));
        }
        else
        {
            mechanism = CKM.CKM_EC_KEY_PAIR_GEN;
            publicKey.Add(attributes.Create(CKA.CKA_EC_PARAMS, algorithm.EcParameters));
        }
        session.GenerateKeyPair(session.Factories.MechanismFactory.Create(mechanism), publicKey, privateKey, out _, out _);
    }
}
