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
/// Scale-out: the published module configured with two replicas sharing one PostgreSQL keeps
/// signing, in the same session, when the replica it was using is killed.
/// </summary>
[Collection(NativeModuleCollection.Name)]
public sealed class ReplicaFailoverTests : IDisposable
{
    private static readonly byte[] Data = "replicated release"u8.ToArray();

    public ReplicaFailoverTests() => RawCalls.EnsureFinalized();

    public void Dispose() => RawCalls.EnsureFinalized();

    [Fact]
    public async Task The_module_keeps_signing_when_one_replica_is_killed()
    {
        await using var first = await ServerProcess.StartAsync(postgres: true);
        await using var second = await first.StartReplicaAsync();
        Signer signer;
        using (var admin = first.CreateChannel(first.AdminApiKey))
        {
            signer = await new SignerService.SignerServiceClient(admin).CreateSignerAsync(new CreateSignerRequest
            {
                Name = "replicated-p256",
                KeyAlgorithm = KeyAlgorithm.EcP256,
                CertificateAuthority = CertificateAuthorityKind.Internal,
                Members = { new MemberSpec { Principal = new PrincipalRef { Kind = PrincipalKind.User, Name = "admin" }, Role = Role.Administrator } },
            });
        }

        var directory = Directory.CreateTempSubdirectory("pkcs11-replicas-");
        try
        {
            var config = Path.Combine(directory.FullName, "pkcs11.json");
            // Both replicas serve the same certificate: the replica's data directory is a copy.
            TestFiles.WriteConfig(config, new JsonObject
            {
                ["servers"] = new JsonArray(first.Url.ToString(), second.Url.ToString()),
                ["tls_ca_file"] = first.TlsCertificatePath,
                ["auth"] = new JsonObject { ["api_key"] = first.AdminApiKey },
                ["call_timeout_ms"] = 5000,
                ["retries"] = 1,
            });
            NativeServerFixture.UseConfig(config);

            using var library = Load();
            using var session = Slot(library, "replicated-p256").OpenSession(SessionType.ReadOnly);
            var mechanism = session.Factories.MechanismFactory.Create(CKM.CKM_ECDSA_SHA256);
            var key = PrivateKey(session);
            var before = session.Sign(mechanism, key, Data);

            first.Kill();
            var after = session.Sign(mechanism, key, Data);

            using var certificate = X509CertificateLoader.LoadCertificate(signer.CertificateChain[0].ToByteArray());
            using var publicKey = certificate.GetECDsaPublicKey()!;
            Assert.True(publicKey.VerifyData(Data, before, HashAlgorithmName.SHA256));
            Assert.True(publicKey.VerifyData(Data, after, HashAlgorithmName.SHA256));

            // The surviving replica holds both signatures' audit events in one valid chain.
            using var survivor = second.CreateChannel(second.AdminApiKey);
            var events = await new AuditService.AuditServiceClient(survivor).QueryAuditEventsAsync(new QueryAuditEventsRequest
            {
                Filter = new AuditFilter { Signer = signer.Id, Types_ = { "signature.created" } },
            });
            Assert.Equal(2, events.Events.Count);
            Assert.True((await new AuditService.AuditServiceClient(survivor).VerifyAuditChainAsync(new VerifyAuditChainRequest())).Valid);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
