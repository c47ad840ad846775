using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using CodeSigning.Pkcs11.Cryptoki;

namespace CodeSigning.Pkcs11.Tests;

/// <summary>
/// Host threads calling the server at once: each call carries its own slot's credential (the
/// module reuses the authorization header of the last bearer) and every signature reaches the server.
/// </summary>
[Collection(ProviderCollection.Name)]
public sealed class ConcurrentCallerTests(FakeServerFixture fixture) : ProviderTestBase(fixture)
{
    private const int ThreadsPerSlot = 4;
    private const int SignaturesPerThread = 25;

    [Fact]
    public void Threads_on_two_slots_logged_in_with_different_api_keys_each_sign_with_their_own_key()
    {
        var config = Config();
        config.Remove("auth");
        config["signers"] = new JsonArray("p256-signer", "rsa-signer");
        Initialize(config);
        var operatorSession = P.OpenSession(SlotOf(Fixture.P256), CKF.CKF_SERIAL_SESSION);
        var auditorSession = P.OpenSession(SlotOf(Fixture.Rsa), CKF.CKF_SERIAL_SESSION);
        P.Login(operatorSession, CKU.CKU_USER, FakeServerFixture.ApiKey);
        // The auditor may read rsa-signer but not sign with it: a call sent with the operator's key would sign.
        P.Login(auditorSession, CKU.CKU_USER, FakeServerFixture.AuditorKey);
        var operatorKey = PrivateKey(operatorSession);
        var auditorKey = PrivateKey(auditorSession);
        var digest = SHA256.HashData("data"u8);
        var digestInfo = Mechanisms.DigestInfo.Build(HashAlgorithmName.SHA256, digest);
        var signed = new ConcurrentBag<byte[]>();
        var refused = new ConcurrentBag<CKR>();
        var unexpected = new ConcurrentQueue<Exception>();

        var threads = Enumerable.Range(0, ThreadsPerSlot * 2).Select(t => new Thread(() =>
        {
            try
            {
                var asOperator = t % 2 == 0;
                // One session per thread, as PKCS#11 applications do; a session logs in its whole slot.
                var session = P.OpenSession(SlotOf(asOperator ? Fixture.P256 : Fixture.Rsa), CKF.CKF_SERIAL_SESSION);
                for (var i = 0; i < SignaturesPerThread; i++)
                {
                    if (asOperator)
                    {
                        P.SignInit(session, CKM.CKM_ECDSA, null, operatorKey);
                        signed.Add(P.Sign(session, digest, 64).Signature!);
                    }
                    else
                    {
                        P.SignInit(session, CKM.CKM_RSA_PKCS, null, auditorKey);
                        refused.Add(Assert.Throws<Pkcs11Exception>(() => P.Sign(session, digestInfo, 256)).Result);
                    }
                }
            }
            catch (Exception ex)
            {
                unexpected.Enqueue(ex);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Empty(unexpected);
        Assert.Equal(ThreadsPerSlot * SignaturesPerThread, signed.Count);
        Assert.All(signed, s => Assert.True(((ECDsa)Fixture.P256.Key).VerifyHash(digest, s)));
        Assert.Equal(ThreadsPerSlot * SignaturesPerThread, refused.Count);
        Assert.All(refused, r => Assert.Equal(CKR.CKR_FUNCTION_REJECTED, r));
        // Every signature, refused or not, was asked of the server: nothing is answered from a cache.
        Assert.Equal(ThreadsPerSlot * SignaturesPerThread * 2, Server.SignRequests.Count);
    }
}
