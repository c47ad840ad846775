using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using CodeSigning.Pkcs11.Tokens;
using CodeSigning.Tests.Shared;
using CodeSigning.V1;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using static CodeSigning.Pkcs11.Native.Tests.Interop;

namespace CodeSigning.Pkcs11.Native.Tests;

/// <summary>
/// Many threads signing through the module at once, in this process and in a JVM (SunPKCS11),
/// against the published server: no call fails, every signature verifies, and the audit log
/// holds exactly one signature.created event per signature.
/// </summary>
[Collection(NativeModuleCollection.Name)]
public sealed class ConcurrencyTests(RealServerFixture real) : IDisposable
{
    private const int Threads = 32;

    /// <summary>1000 per thread (32000 in all) with CODESIGN_TEST_HEAVY=1; a smaller load in CI keeps the suite fast.</summary>
    private static readonly int SignaturesPerThread = Environment.GetEnvironmentVariable("CODESIGN_TEST_HEAVY") == "1" ? 1000 : 100;

    public void Dispose() => RawCalls.EnsureFinalized();

    [Fact]
    public async Task Thirty_two_threads_sign_without_error_and_the_audit_log_holds_every_signature()
    {
        // A server of its own: the Signer's audit count must see no other test's signatures.
        await using var server = await ServerProcess.StartAsync();
        using var admin = server.CreateChannel(server.AdminApiKey);
        var signer = await new SignerService.SignerServiceClient(admin).CreateSignerAsync(new CreateSignerRequest
        {
            Name = "concurrency-p256",
            KeyAlgorithm = KeyAlgorithm.EcP256,
            CertificateAuthority = CertificateAuthorityKind.Internal,
            Members = { new MemberSpec { Principal = new PrincipalRef { Kind = PrincipalKind.User, Name = "admin" }, Role = Role.Administrator } },
        });
        var config = real.Config();
        config["servers"] = new System.Text.Json.Nodes.JsonArray(server.Url.ToString());
        config["tls_ca_file"] = server.TlsCertificatePath;
        config["auth"] = new System.Text.Json.Nodes.JsonObject { ["api_key"] = server.AdminApiKey };
        config["log_level"] = "warning";
        // Correctness under contention, not latency: on 2 shared cores a call may wait behind 31 others.
        config["call_timeout_ms"] = 60000;
        real.WriteConfig(config);
        NativeServerFixture.UseConfig(real.ConfigPath);
        using var publicKey = ECDsa.Create();
        publicKey.ImportSubjectPublicKeyInfo(signer.PublicKey.Span, out _);

        var clock = Stopwatch.StartNew();
        using (var library = Load())
        {
            var slot = library.GetSlotList(SlotsType.WithTokenPresent).Single(s => s.SlotId == SlotIds.Derive(signer.Id));
            var failures = new ConcurrentQueue<string>();
            TestFiles.OnThreads(Threads, thread =>
            {
                using var session = slot.OpenSession(SessionType.ReadOnly);
                var key = PrivateKey(session);
                using var mechanism = session.Factories.MechanismFactory.Create(CKM.CKM_ECDSA_SHA256);
                for (var i = 0; i < SignaturesPerThread; i++)
                {
                    var data = System.Text.Encoding.UTF8.GetBytes($"thread {thread} signature {i}");
                    try
                    {
                        if (!publicKey.VerifyData(data, session.Sign(mechanism, key, data), HashAlgorithmName.SHA256))
                        {
                            failures.Enqueue($"thread {thread} signature {i} does not verify");
                        }
                    }
                    catch (Net.Pkcs11Interop.Common.Pkcs11Exception ex)
                    {
                        failures.Enqueue($"thread {thread} signature {i}: {ex.RV} after {clock.Elapsed.TotalSeconds:F1} s");
                    }
                }

                return 0;
            });
            Assert.True(failures.IsEmpty, $"{failures.Count} failed signatures: {string.Join("; ", failures.Take(10))}\n{Tail(real.Log())}");
        }

        var created = await CountEventsAsync(admin, signer.Name, "signature.created");
        var refused = await CountEventsAsync(admin, signer.Name, "signature.denied") + await CountEventsAsync(admin, signer.Name, "signature.failed");
        Assert.True(created == Threads * SignaturesPerThread && refused == 0,
            $"{Threads * SignaturesPerThread} signatures in {clock.Elapsed.TotalSeconds:F0} s; audit log: {created} signature.created, {refused} denied or failed");
        var chain = await new AuditService.AuditServiceClient(admin).VerifyAuditChainAsync(new VerifyAuditChainRequest());
        Assert.True(chain.Valid, chain.Message);
    }

    [Fact]
    public void A_JVM_signs_through_SunPKCS11_from_eight_threads_and_every_signature_verifies()
    {
        const int threads = 8, perThread = 25;
        var work = real.Directory.CreateSubdirectory("jvm");
        var source = Path.Combine(AppContext.BaseDirectory, "Jvm", "ConcurrentSign.java");
        var compiled = ToolProcess.Run("javac", new Dictionary<string, string>(), "-d", work.FullName, source);
        Assert.True(compiled.ExitCode == 0, compiled.StandardError);
        var providerConfig = Path.Combine(work.FullName, "sunpkcs11.cfg");
        File.WriteAllText(providerConfig, $"name = CodeSigning\nlibrary = {NativeModule.Path}\nslot = {SlotIds.Derive(real.P256.Id)}\n");
        real.WriteConfig(real.Config());

        var result = ToolProcess.Run("java", new Dictionary<string, string> { ["CODESIGN_PKCS11_CONFIG"] = real.ConfigPath },
            "-cp", work.FullName, "ConcurrentSign", providerConfig, real.P256.Name, $"{threads}", $"{perThread}");

        Assert.True(result.ExitCode == 0, $"the JVM exited {result.ExitCode}: {result.StandardError}\n{result.StandardOutput}\n{real.Log()}");
        Assert.Contains($"verified {threads * perThread}", result.StandardOutput);
    }

    private static string Tail(string log) => string.Join('\n', log.Split('\n').TakeLast(20));

    private static async Task<int> CountEventsAsync(Grpc.Net.Client.GrpcChannel admin, string signer, string type)
    {
        var audit = new AuditService.AuditServiceClient(admin);
        var request = new QueryAuditEventsRequest { Filter = new AuditFilter { Signer = signer, Types_ = { type } }, PageSize = 1000 };
        var count = 0;
        do
        {
            var page = await audit.QueryAuditEventsAsync(request);
            count += page.Events.Count(e => e.Type == type);
            request.AfterSequence = page.NextAfterSequence;
        }
        while (request.AfterSequence != 0);
        return count;
    }
}
