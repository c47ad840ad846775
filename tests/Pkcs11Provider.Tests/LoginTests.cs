using System.Security.Cryptography;
using System.Text.Json.Nodes;
using CodeSigning.Pkcs11.Cryptoki;

namespace CodeSigning.Pkcs11.Tests;

/// <summary>No credentials in the configuration: the tokens are the allow-listed Signers and the PIN is the API key.</summary>
[Collection(ProviderCollection.Name)]
public sealed class LoginTests(FakeServerFixture fixture) : ProviderTestBase(fixture)
{
    private ulong _slot;

    [Fact]
    public void Tokens_need_login_and_the_pin_carries_the_api_key()
    {
        var session = OpenWithoutCredentials();

        Assert.NotEqual(0ul, P.GetTokenInfo(_slot).Flags & CKF.CKF_LOGIN_REQUIRED);
        Assert.Empty(Find(session, Class(CKO.CKO_PRIVATE_KEY)));
        Assert.Equal(CKR.CKR_USER_NOT_LOGGED_IN, Code(() => P.SignInit(session, CKM.CKM_ECDSA_SHA256, null, 1)));

        P.Login(session, CKU.CKU_USER, FakeServerFixture.ApiKey);

        Assert.Equal(CKR.CKR_USER_ALREADY_LOGGED_IN, Code(() => P.Login(session, CKU.CKU_USER, FakeServerFixture.ApiKey)));
        Assert.Equal("p256-signer", P.GetTokenInfo(_slot).Label);
        var signature = Sign(session, CKM.CKM_ECDSA_SHA256, "data"u8.ToArray());
        Assert.True(((ECDsa)Fixture.P256.Key).VerifyData("data"u8, signature, HashAlgorithmName.SHA256));
    }

    /// <summary>gnupg-pkcs11-scd identifies a card by its serial: login must not turn it into another card.</summary>
    [Fact]
    public void The_token_serial_is_the_same_before_and_after_login()
    {
        var session = OpenWithoutCredentials();
        var before = P.GetTokenInfo(_slot).Serial;

        P.Login(session, CKU.CKU_USER, FakeServerFixture.ApiKey);

        Assert.Equal(16, before.Length);
        Assert.Equal(before, P.GetTokenInfo(_slot).Serial);
    }

    [Fact]
    public void A_wrong_pin_is_pin_incorrect_and_leaves_the_session_logged_out()
    {
        var session = OpenWithoutCredentials();

        Assert.Equal(CKR.CKR_PIN_INCORRECT, Code(() => P.Login(session, CKU.CKU_USER, "csk_wrong")));
        Assert.Equal(CKR.CKR_PIN_INCORRECT, Code(() => P.Login(session, CKU.CKU_USER, "")));

        Assert.Equal(CKS.CKS_RO_PUBLIC_SESSION, P.GetSessionInfo(session).State);
        Assert.Equal(CKR.CKR_USER_NOT_LOGGED_IN, Code(() => P.Logout(session)));
    }

    [Fact]
    public void Closing_the_last_session_logs_out()
    {
        var session = OpenWithoutCredentials();
        P.Login(session, CKU.CKU_USER, FakeServerFixture.ApiKey);

        P.CloseSession(session);
        var next = P.OpenSession(_slot, CKF.CKF_SERIAL_SESSION);

        Assert.Equal(CKS.CKS_RO_PUBLIC_SESSION, P.GetSessionInfo(next).State);
        Assert.Equal(CKR.CKR_SESSION_HANDLE_INVALID, Code(() => P.GetSessionInfo(session)));
    }

    private ulong OpenWithoutCredentials()
    {
        var config = Config();
        config.Remove("auth");
        config["signers"] = new JsonArray("p256-signer");
        Initialize(config);
        _slot = Assert.Single(P.GetSlotList());
        return P.OpenSession(_slot, CKF.CKF_SERIAL_SESSION);
    }
}
