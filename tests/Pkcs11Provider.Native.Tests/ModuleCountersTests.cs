using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CodeSigning.Tests.Shared;
using CodeSigning.V1;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using static CodeSigning.Pkcs11.Native.Tests.Interop;

namespace CodeSigning.Pkcs11.Native.Tests;

/// <summary>The published module writes what it did to its log at C_Finalize: server calls, signatures, failures by CK_RV, server latency.</summary>
[Collection(NativeModuleCollection.Name)]
public sealed class ModuleCountersTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("pkcs11-counters-");

    private readonly NativeServerFixture _fixture;

    public ModuleCountersTests(NativeServerFixture fixture)
    {
        this._fixture = fixture;
        RawCalls.EnsureFinalized();
    }

    public void Dispose()
    {
        RawCalls.EnsureFinalized();
        // The next class of the collection initializes with the shared configuration, not this one's deleted file.
        NativeServerFixture.UseConfig(_fixture.ConfigPath);
        _directory.Delete(recursive: true);
    }

    [Fact]
    public async Task C_Finalize_logs_calls_signatures_and_failures_by_CK_RV()
    {
        await using var server = await ServerProcess.StartAsync();
        using (var admin = server.CreateChannel(server.AdminApiKey))
        {
            var create = new CreateSignerRequest { Name = "counted-p256", KeyAlgorithm = KeyAlgorithm.EcP256, CertificateAuthority = CertificateAuthorityKind.Internal };
            create.Members.Add(new MemberSpec { Principal = new PrincipalRef { Kind = PrincipalKind.User, Name = "admin" }, Role = Role.Administrator });
            await new SignerService.SignerServiceClient(admin).CreateSignerAsync(create);
        }
        var log = Path.Combine(_directory.FullName, "module.log");
        var config = Path.Combine(_directory.FullName, "pkcs11.json");
        TestFiles.WriteConfig(config, new JsonObject
        {
            ["servers"] = new JsonArray(server.Url.ToString()),
            ["tls_ca_file"] = server.TlsCertificatePath,
            ["auth"] = new JsonObject { ["api_key"] = server.AdminApiKey },
            ["log_level"] = "information",
            ["log_file"] = log,
        });
        NativeServerFixture.UseConfig(config);

        using (var library = Load())
        {
            using var session = Slot(library, "counted-p256").OpenSession(SessionType.ReadOnly);
            var key = PrivateKey(session);
            var mechanism = session.Factories.MechanismFactory.Create(CKM.CKM_ECDSA_SHA256);
            session.Sign(mechanism, key, "one"u8.ToArray());
            session.Sign(mechanism, key, "two"u8.ToArray());
            Assert.Equal(CKR.CKR_MECHANISM_INVALID, Code(() => session.Sign(session.Factories.MechanismFactory.Create(CKM.CKM_MD5_RSA_PKCS), key, "three"u8.ToArray())));
        }

        var line = Assert.Single(File.ReadAllLines(log), l => l.Contains("module counters: ", StringComparison.Ordinal));
        var counters = Regex.Match(line, @"server_calls=(\d+) signatures=(\d+) server_ms_avg=(\d+\.\d) server_ms_max=(\d+\.\d) failures=(\S+)$");
        Assert.True(counters.Success, line);
        // Signers listed at C_Initialize / C_GetSlotList, then the two signatures.
        Assert.True(int.Parse(counters.Groups[1].Value) >= 3, line);
        Assert.Equal("2", counters.Groups[2].Value);
        Assert.True(double.Parse(counters.Groups[4].Value, System.Globalization.CultureInfo.InvariantCulture) > 0, line);
        Assert.Equal("CKR_MECHANISM_INVALID:1", counters.Groups[5].Value);
    }
}
