using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using CodeSigning.Tests.Shared;
using CodeSigning.V1;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using static CodeSigning.Pkcs11.Native.Tests.Interop;

namespace CodeSigning.Pkcs11.Native.Tests;

/// <summary>
/// Faults between the module and a real server: the server killed in the middle of a signing load,
/// a slow network, a server certificate the configured CA does not vouch for. Bounds on elapsed
/// time are generous: they prove the module never hangs, not that it is fast.
/// </summary>
[Collection(NativeModuleCollection.Name)]
public sealed class FaultTests : IDisposable
{
    private const int CallTimeoutMs = 2000;
    private static readonly TimeSpan NeverHangs = TimeSpan.FromMilliseconds(CallTimeoutMs * 3 + 5000);
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("pkcs11-faults-");

    private readonly NativeServerFixture _fixture;

    public FaultTests(NativeServerFixture fixture)
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
    public async Task A_server_killed_under_load_loses_no_audit_event_nor_grant_unit_and_the_same_sessions_sign_after_its_restart()
    {
        await using var server = await ServerProcess.StartAsync();
        var (signer, operatorKey) = await CreateSignerWithOperatorAsync(server, "fault-p256");
        using var admin = server.CreateChannel(server.AdminApiKey);
        var approvals = new ApprovalService.ApprovalServiceClient(admin);
        await approvals.SetApprovalPolicyAsync(new SetApprovalPolicyRequest
        {
            Signer = signer.Name,
            Policy = new ApprovalPolicy { ApprovalsRequired = 1, Approvers = { AdminRef } },
        });
        var grant = await approvals.CreateGrantAsync(new CreateGrantRequest
        {
            Signer = signer.Name,
            Grantee = new PrincipalRef { Kind = PrincipalKind.User, Name = "operator" },
            SignaturesAllowed = 100_000,
            Window = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromHours(1)),
        });
        UseConfig(Config(server.Url, server.TlsCertificatePath!, operatorKey));

        const int threads = 4;
        var outcomes = new ConcurrentBag<Outcome>();
        var phase = (int)Phase.BeforeKill;
        using var library = Load();
        var slot = Slot(library, signer.Name);
        var unexpected = new ConcurrentQueue<Exception>();
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            try
            {
                using var session = slot.OpenSession(SessionType.ReadOnly);
                var mechanism = session.Factories.MechanismFactory.Create(CKM.CKM_ECDSA_SHA256);
                var key = PrivateKey(session);
                for (var i = 0; Volatile.Read(ref phase) != (int)Phase.Done; i++)
                {
                    var data = System.Text.Encoding.UTF8.GetBytes($"thread {t} signature {i} {Guid.NewGuid()}");
                    var calledIn = (Phase)Volatile.Read(ref phase);
                    var watch = Stopwatch.StartNew();
                    try
                    {
                        outcomes.Add(new Outcome(t, calledIn, data, session.Sign(mechanism, key, data), null, watch.Elapsed));
                    }
                    catch (Net.Pkcs11Interop.Common.Pkcs11Exception ex)
                    {
                        outcomes.Add(new Outcome(t, calledIn, data, null, ex.RV, watch.Elapsed));
                        Thread.Sleep(50);
                    }
                }
            }
            catch (Exception ex)
            {
                // Anything but a CK_RV (the session itself failing) fails the test instead of the test process.
                unexpected.Enqueue(ex);
                Volatile.Write(ref phase, (int)Phase.Done);
            }
        })).ToList();
        workers.ForEach(w => w.Start());

        await UntilAsync(() => !unexpected.IsEmpty || Enumerable.Range(0, threads).All(t => outcomes.Count(o => o.Thread == t && o.Signature is not null) >= 3));
        server.Kill();
        Volatile.Write(ref phase, (int)Phase.Down);
        await UntilAsync(() => !unexpected.IsEmpty || outcomes.Count(o => o.Phase == Phase.Down) >= threads * 2);
        Volatile.Write(ref phase, (int)Phase.Restarting);
        await server.RestartAsync();
        Volatile.Write(ref phase, (int)Phase.AfterRestart);
        await UntilAsync(() => !unexpected.IsEmpty || Enumerable.Range(0, threads).All(t => outcomes.Count(o => o.Thread == t && o.Phase == Phase.AfterRestart && o.Signature is not null) >= 2));
        Volatile.Write(ref phase, (int)Phase.Done);
        workers.ForEach(w => w.Join());
        Assert.Empty(unexpected);

        // While the server was down every call failed as a device error, and none hung.
        var failures = outcomes.Where(o => o.Result is not null).ToList();
        Assert.All(failures, o => Assert.Equal(CKR.CKR_DEVICE_ERROR, o.Result));
        Assert.All(outcomes, o => Assert.True(o.Elapsed < NeverHangs, $"a call took {o.Elapsed}"));
        Assert.All(outcomes.Where(o => o.Phase == Phase.Down), o => Assert.Equal(CKR.CKR_DEVICE_ERROR, o.Result));
        Assert.All(outcomes.Where(o => o.Phase == Phase.BeforeKill && o.Result is not null), o => Assert.Equal(CKR.CKR_DEVICE_ERROR, o.Result));

        // Every signature a caller received verifies and has its audit event; every audited one used exactly one grant unit.
        var received = outcomes.Where(o => o.Signature is not null).ToList();
        using var certificate = X509CertificateLoader.LoadCertificate(signer.CertificateChain[0].ToByteArray());
        using var publicKey = certificate.GetECDsaPublicKey()!;
        Assert.All(received, o => Assert.True(publicKey.VerifyData(o.Data, o.Signature!, HashAlgorithmName.SHA256)));
        // A new channel: the first one's connection died with the server.
        using var restarted = server.CreateChannel(server.AdminApiKey);
        approvals = new ApprovalService.ApprovalServiceClient(restarted);
        var audit = new AuditService.AuditServiceClient(restarted);
        var audited = await SignatureEventsAsync(audit, signer.Id);
        var auditedDigests = audited.Select(e => e.Details["digest_hex"]).ToHashSet();
        Assert.All(received, o => Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(o.Data)), auditedDigests));
        Assert.All(audited, e => Assert.Equal(grant.Id, e.Details["grant_id"]));
        var used = (await approvals.ListGrantsAsync(new ListGrantsRequest { Signer = signer.Name })).Grants.Single(g => g.Id == grant.Id).SignaturesUsed;
        Assert.Equal(audited.Count, used);
        Assert.InRange(audited.Count - received.Count, 0, threads);

        // The database survived the kill: SQLite's own check, and the hash chain of the audit log.
        Assert.True((await audit.VerifyAuditChainAsync(new VerifyAuditChainRequest())).Valid);
        if (server.Database is null)
        {
            Assert.Equal(["ok"], TestFiles.Sqlite(Path.Combine(server.DataDir, "codesign.db"), "PRAGMA integrity_check;"));
        }
    }

    /// <summary>The module keeps no reconnect backoff of its own: with retries off, the very first call after the server is back signs.</summary>
    [Fact]
    public async Task With_retries_off_a_call_while_the_server_is_down_is_a_device_error_and_the_first_after_its_restart_signs()
    {
        await using var server = await ServerProcess.StartAsync();
        var (signer, operatorKey) = await CreateSignerWithOperatorAsync(server, "restart-p256");
        var config = Config(server.Url, server.TlsCertificatePath!, operatorKey);
        config["retries"] = 0;
        UseConfig(config);
        using var library = Load();
        using var session = Slot(library, signer.Name).OpenSession(SessionType.ReadOnly);
        var mechanism = session.Factories.MechanismFactory.Create(CKM.CKM_ECDSA_SHA256);
        var key = PrivateKey(session);
        Assert.Equal(64, session.Sign(mechanism, key, "before"u8.ToArray()).Length);

        server.Kill();
        var watch = Stopwatch.StartNew();
        Assert.Equal(CKR.CKR_DEVICE_ERROR, Code(() => session.Sign(mechanism, key, "while down"u8.ToArray())));
        Assert.Equal(CKR.CKR_DEVICE_ERROR, Code(() => session.Sign(mechanism, key, "still down"u8.ToArray())));
        Assert.True(watch.Elapsed < NeverHangs, $"two calls to a stopped server took {watch.Elapsed}");

        await server.RestartAsync();
        Assert.Equal(64, session.Sign(mechanism, key, "after"u8.ToArray()).Length);
        Assert.Equal(64, session.Sign(mechanism, key, "after again"u8.ToArray()).Length);
    }

    [Fact]
    public async Task A_slow_server_is_a_device_error_within_the_call_and_connect_timeouts_and_serves_again_when_the_delay_goes()
    {
        await using var server = await ServerProcess.StartAsync();
        var (signer, operatorKey) = await CreateSignerWithOperatorAsync(server, "slow-p256");
        await using var proxy = new DelayingProxy(server.Url);
        var config = Config(proxy.Url, server.TlsCertificatePath!, operatorKey);
        UseConfig(config);
        var slowness = TimeSpan.FromSeconds(20);

        using (var library = Load())
        {
            using var session = Slot(library, signer.Name).OpenSession(SessionType.ReadOnly);
            var mechanism = session.Factories.MechanismFactory.Create(CKM.CKM_ECDSA_SHA256);
            var key = PrivateKey(session);
            Assert.Equal(64, session.Sign(mechanism, key, "before"u8.ToArray()).Length);

            proxy.Delay = slowness;
            var watch = Stopwatch.StartNew();
            Assert.Equal(CKR.CKR_DEVICE_ERROR, Code(() => session.Sign(mechanism, key, "while slow"u8.ToArray())));
            Assert.True(watch.Elapsed < slowness / 2, $"the call waited {watch.Elapsed} for a server held {slowness}");

            proxy.Delay = TimeSpan.Zero;
            Assert.Equal(64, session.Sign(mechanism, key, "after"u8.ToArray()).Length);
        }

        // A new connection: the TLS handshake stalls, and connect_timeout_ms ends it well before call_timeout_ms.
        config["call_timeout_ms"] = 15000;
        config["connect_timeout_ms"] = 500;
        UseConfig(config);
        proxy.Delay = slowness;
        using (var library = Load())
        {
            var watch = Stopwatch.StartNew();
            Assert.Equal(CKR.CKR_DEVICE_ERROR, Code(() => library.GetSlotList(SlotsType.WithTokenPresent)));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"connecting took {watch.Elapsed} with a 500 ms connect timeout and one retry");
        }

        proxy.Delay = TimeSpan.Zero;
        using (var library = Load())
        {
            using var session = Slot(library, signer.Name).OpenSession(SessionType.ReadOnly);
            Assert.Equal(64, session.Sign(session.Factories.MechanismFactory.Create(CKM.CKM_ECDSA_SHA256), PrivateKey(session), "recovered"u8.ToArray()).Length);
        }
    }

    [Fact]
    public async Task A_server_certificate_the_configured_CA_does_not_vouch_for_is_a_device_error_and_the_log_says_why()
    {
        await using var server = await ServerProcess.StartAsync();
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var otherCa = new CertificateRequest("CN=another CA", otherKey, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var wrongCa = Path.Combine(_directory.FullName, "wrong-ca.pem");
        await File.WriteAllTextAsync(wrongCa, otherCa.ExportCertificatePem());
        UseConfig(Config(server.Url, wrongCa, server.AdminApiKey));

        using (var library = Load())
        {
            Assert.Equal(CKR.CKR_DEVICE_ERROR, Code(() => library.GetSlotList(SlotsType.WithTokenPresent)));
        }

        var log = await File.ReadAllTextAsync(LogFile);
        Assert.Contains($"the TLS certificate of {server.Url} is not trusted by tls_ca_file {wrongCa}", log, StringComparison.Ordinal);
    }

    private static readonly PrincipalRef AdminRef = new() { Kind = PrincipalKind.User, Name = "admin" };

    private string LogFile => Path.Combine(_directory.FullName, "module.log");

    private JsonObject Config(Uri server, string caFile, string apiKey) => new()
    {
        ["servers"] = new JsonArray(server.ToString()),
        ["tls_ca_file"] = caFile,
        ["auth"] = new JsonObject { ["api_key"] = apiKey },
        ["call_timeout_ms"] = CallTimeoutMs,
        ["connect_timeout_ms"] = 1000,
        ["retries"] = 1,
        ["log_level"] = "information",
        ["log_file"] = LogFile,
    };

    private void UseConfig(JsonObject config)
    {
        var path = Path.Combine(_directory.FullName, "pkcs11.json");
        TestFiles.WriteConfig(path, config);
        NativeServerFixture.UseConfig(path);
    }

    /// <summary>A P-256 Signer (fast to make) with the admin as Administrator and a new user "operator" as Operator.</summary>
    private static async Task<(Signer Signer, string OperatorKey)> CreateSignerWithOperatorAsync(ServerProcess server, string name)
    {
        using var admin = server.CreateChannel(server.AdminApiKey);
        var identity = new IdentityService.IdentityServiceClient(admin);
        await identity.CreateUserAsync(new CreateUserRequest { Name = "operator" });
        var key = (await identity.CreateApiKeyAsync(new CreateApiKeyRequest { User = "operator" })).Secret;
        var signer = await new SignerService.SignerServiceClient(admin).CreateSignerAsync(new CreateSignerRequest
        {
            Name = name,
            KeyAlgorithm = KeyAlgorithm.EcP256,
            CertificateAuthority = CertificateAuthorityKind.Internal,
            Members =
            {
                new MemberSpec { Principal = AdminRef, Role = Role.Administrator },
                new MemberSpec { Principal = new PrincipalRef { Kind = PrincipalKind.User, Name = "operator" }, Role = Role.Operator },
            },
        });
        return (signer, key);
    }

    private static async Task<List<AuditEvent>> SignatureEventsAsync(AuditService.AuditServiceClient audit, string signerId)
    {
        var events = new List<AuditEvent>();
        long after = 0;
        while (true)
        {
            var page = await audit.QueryAuditEventsAsync(new QueryAuditEventsRequest
            {
                Filter = new AuditFilter { Signer = signerId, Types_ = { "signature.created" } },
                PageSize = 1000,
                AfterSequence = after,
            });
            events.AddRange(page.Events);
            if (page.Events.Count == 0 || page.NextAfterSequence == 0)
            {
                return events;
            }
            after = page.NextAfterSequence;
        }
    }

    /// <summary>Waits for the load to reach a point; a minute without it fails the test instead of hanging it.</summary>
    private static async Task UntilAsync(Func<bool> condition)
    {
        var limit = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(limit.Elapsed < TimeSpan.FromMinutes(1), "the signing load did not get there within a minute");
            await Task.Delay(50);
        }
    }

    private enum Phase
    {
        BeforeKill,
        Down,
        Restarting,
        AfterRestart,
        Done,
    }

    private sealed record Outcome(int Thread, Phase Phase, byte[] Data, byte[]? Signature, CKR? Result, TimeSpan Elapsed);
}
