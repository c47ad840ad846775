using System.Security.Cryptography;
using System.Text.Json.Nodes;
using CodeSigning.Pkcs11.Cryptoki;
using CodeSigning.V1;
using Grpc.Core;

namespace CodeSigning.Pkcs11.Tests;

[Collection(ProviderCollection.Name)]
public sealed class RemoteErrorTests(FakeServerFixture fixture) : ProviderTestBase(fixture)
{
    private static readonly byte[] Data = "payload"u8.ToArray();

    [Fact]
    public void Approval_missing_is_rejected_with_the_csign_command_to_run()
    {
        Initialize();
        var session = OpenSession(Fixture.Rsa);
        Fixture.Rsa.ApprovalRequired = true;

        P.SignInit(session, CKM.CKM_SHA256_RSA_PKCS, null, PrivateKey(session));
        Assert.Equal(CKR.CKR_FUNCTION_REJECTED, Code(() => P.Sign(session, Data, 256)));

        var correlationId = Assert.Single(Server.SignRequests).Client.CorrelationId;
        Assert.Contains($"csign request create --signer rsa-signer --count 1 --justification \"<why>\"", Log(), StringComparison.Ordinal);
        Assert.Contains(correlationId, Log(), StringComparison.Ordinal);
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task With_an_approval_wait_the_module_files_a_request_and_signs_once_it_is_approved()
    {
        var config = Config();
        config["approval_wait_seconds"] = 30;
        Initialize(config);
        var session = OpenSession(Fixture.Rsa);
        Fixture.Rsa.ApprovalRequired = true;
        var approver = Task.Run(async () =>
        {
            while (Server.Requests.IsEmpty)
            {
                await Task.Delay(50);
            }

            var (apiKey, signer, request) = Server.Requests.Values.Single();
            lock (signer.Grants)
            {
                signer.Grants[apiKey] = 1;
            }

            request.GrantId = "grant-1";
            request.State = SigningRequestState.Approved;
        });

        var signature = Sign(session, CKM.CKM_SHA256_RSA_PKCS, Data);
        await approver;

        Assert.True(((RSA)Fixture.Rsa.Key).VerifyData(Data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        var filed = Server.Requests.Values.Single().Request;
        Assert.Equal(1, filed.SignatureCount);
        Assert.Equal("grant-1", Server.SignRequests.Last().GrantId);
        Assert.Equal(0, Fixture.Rsa.Grants[FakeServerFixture.ApiKey]);
    }

    [Fact]
    public void An_approval_still_pending_when_the_wait_ends_is_rejected()
    {
        var config = Config();
        config["approval_wait_seconds"] = 1;
        Initialize(config);
        var session = OpenSession(Fixture.Rsa);
        Fixture.Rsa.ApprovalRequired = true;

        P.SignInit(session, CKM.CKM_SHA256_RSA_PKCS, null, PrivateKey(session));
        Assert.Equal(CKR.CKR_FUNCTION_REJECTED, Code(() => P.Sign(session, Data, 256)));

        Assert.Equal(SigningRequestState.Pending, Server.Requests.Values.Single().Request.State);
        Assert.Contains("still pending", Log(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("disabled", "SIGNER_DISABLED")]
    [InlineData("auditor", "ROLE_FORBIDS")]
    public void A_disabled_Signer_or_a_role_that_may_not_sign_is_rejected_with_the_reason_logged(string situation, string reason)
    {
        var config = Config();
        if (situation == "auditor")
        {
            config["auth"] = new JsonObject { ["api_key"] = FakeServerFixture.AuditorKey };
        }

        Initialize(config);
        var session = OpenSession(Fixture.Rsa);
        Fixture.Rsa.Enabled = situation != "disabled";

        P.SignInit(session, CKM.CKM_SHA256_RSA_PKCS, null, PrivateKey(session));
        Assert.Equal(CKR.CKR_FUNCTION_REJECTED, Code(() => P.Sign(session, Data, 256)));

        Assert.Contains(reason, Log(), StringComparison.Ordinal);
    }

    [Fact]
    public void Membership_gone_is_rejected_on_the_next_signature_without_a_cache_in_the_way()
    {
        Initialize();
        var session = OpenSession(Fixture.P256);
        _ = Sign(session, CKM.CKM_ECDSA_SHA256, Data);
        Fixture.P256.Members.Remove(FakeServerFixture.ApiKey);
        try
        {
            P.SignInit(session, CKM.CKM_ECDSA_SHA256, null, PrivateKey(session));
            Assert.Equal(CKR.CKR_FUNCTION_REJECTED, Code(() => P.Sign(session, Data, 64)));
            Assert.Contains("SIGNER_NOT_FOUND", Log(), StringComparison.Ordinal);
        }
        finally
        {
            Fixture.P256.Members[FakeServerFixture.ApiKey] = Role.Operator;
        }
    }

    [Fact]
    public void An_unknown_credential_is_user_not_logged_in()
    {
        var config = Config();
        config["auth"] = new JsonObject { ["api_key"] = "csk_unknown" };
        Initialize(config);

        Assert.Equal(CKR.CKR_USER_NOT_LOGGED_IN, Code(() => P.GetSlotList()));
        Assert.Contains("the server refused: CREDENTIAL_INVALID", Log(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_server_that_does_not_answer_in_time_is_a_device_error_within_the_call_timeout()
    {
        // Warm the fake server first: its first answers on a busy machine can take longer than the timeout.
        Initialize();
        _ = Sign(OpenSession(Fixture.Rsa), CKM.CKM_SHA256_RSA_PKCS, Data);
        Provider.Shutdown();
        var config = Config();
        config["call_timeout_ms"] = 500;
        Initialize(config);
        var session = OpenSession(Fixture.Rsa);
        Server.Delay = TimeSpan.FromSeconds(5);

        P.SignInit(session, CKM.CKM_SHA256_RSA_PKCS, null, PrivateKey(session));
        Assert.Equal(CKR.CKR_DEVICE_ERROR, Code(() => P.Sign(session, Data, 256)));
    }

    [Fact]
    public async Task A_server_down_is_a_device_error_after_bounded_retries_and_the_module_recovers_when_it_is_back()
    {
        Initialize();
        var session = OpenSession(Fixture.Rsa);
        var port = Server.Port;
        await Server.StopAsync();
        try
        {
            P.SignInit(session, CKM.CKM_SHA256_RSA_PKCS, null, PrivateKey(session));
            Assert.Equal(CKR.CKR_DEVICE_ERROR, Code(() => P.Sign(session, Data, 256)));
            Assert.Contains("unreachable", Log(), StringComparison.Ordinal);
        }
        finally
        {
            await Server.StartAsync(port);
        }

        // The channel retries a failed connection after at most 500 ms of backoff.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var signature = Sign(session, CKM.CKM_SHA256_RSA_PKCS, Data);
        Assert.True(((RSA)Fixture.Rsa.Key).VerifyData(Data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public void A_dead_server_first_in_the_list_fails_over_to_the_next()
    {
        var config = Config();
        config["servers"] = new JsonArray("http://127.0.0.1:1", Server.Url);
        Initialize(config);

        var session = OpenSession(Fixture.P384);

        Assert.Equal(96, Sign(session, CKM.CKM_ECDSA_SHA384, Data).Length);
    }

    [Fact]
    public void Server_errors_map_to_the_documented_codes()
    {
        Initialize();
        var session = OpenSession(Fixture.Rsa);
        P.SignInit(session, CKM.CKM_SHA256_RSA_PKCS, null, PrivateKey(session));
        Server.Failure = (StatusCode.Internal, "KEY_OPERATION_FAILED");

        Assert.Equal(CKR.CKR_DEVICE_ERROR, Code(() => P.Sign(session, Data, 256)));
    }
}
