using System.Text.Json.Nodes;
using System.Security.Cryptography;
using CodeSigning.Pkcs11.Cryptoki;
using CodeSigning.Pkcs11.Tests.Fakes;
using CodeSigning.V1;
using CodeSigning.Pkcs11.Tokens;

namespace CodeSigning.Pkcs11.Tests;

[Collection(ProviderCollection.Name)]
public sealed class SlotAndTokenTests(FakeServerFixture fixture) : ProviderTestBase(fixture)
{
    [Fact]
    public void One_slot_per_visible_Signer_with_stable_31_bit_ids_from_the_Signer_id()
    {
        Initialize();
        var slots = P.GetSlotList();
        Provider.Shutdown();
        Initialize();

        Assert.Equal(slots, P.GetSlotList());
        Assert.Equal(4, slots.Length);
        Assert.All(slots, s => Assert.InRange(s, 1ul, 0x7FFFFFFFul));
        Assert.Equal(SlotIds.Derive(Fixture.Rsa.Id), SlotOf(Fixture.Rsa));
    }

    [Fact]
    public void Token_label_is_the_Signer_name_serial_from_its_id_write_protected_without_login()
    {
        Initialize();

        var info = P.GetTokenInfo(SlotOf(Fixture.P256));

        Assert.Equal("p256-signer", info.Label);
        Assert.Equal(Fixture.P256.Id.Replace("-", "", StringComparison.Ordinal)[..16], info.Serial);
        Assert.NotEqual(0ul, info.Flags & CKF.CKF_WRITE_PROTECTED);
        Assert.Equal(0ul, info.Flags & CKF.CKF_LOGIN_REQUIRED);
    }

    [Fact]
    public void The_allow_list_limits_the_slots_by_name_or_id()
    {
        var config = Config();
        config["signers"] = new JsonArray("rsa-signer", Fixture.P384.Id);
        Initialize(config);

        Assert.Equal(["p384-signer", "rsa-signer"], P.GetSlotList().Select(s => P.GetTokenInfo(s).Label).Order());
    }

    [Fact]
    public void Unknown_slot_is_invalid()
    {
        Initialize();

        Assert.Equal(CKR.CKR_SLOT_ID_INVALID, Code(() => P.GetTokenInfo(12345)));
    }

    [Fact]
    public void Colliding_slot_ids_move_the_later_key_to_the_next_free_value()
    {
        var assigned = SlotIds.Assign(["c", "a", "b", "a"], _ => 0x7FFFFFFE);

        Assert.Equal(0x7FFFFFFEul, assigned["a"]);
        Assert.Equal(0x7FFFFFFFul, assigned["b"]);
        Assert.Equal(1ul, assigned["c"]);
    }

    [Fact]
    public void Mechanism_list_is_what_the_key_can_do_and_info_is_truthful()
    {
        Initialize();

        var rsa = P.GetMechanismList(SlotOf(Fixture.Rsa));
        var ec = P.GetMechanismList(SlotOf(Fixture.P256));

        Assert.Equal(8, rsa.Length);
        Assert.Contains(CKM.CKM_SHA256_RSA_PKCS_PSS, rsa);
        Assert.DoesNotContain(CKM.CKM_ECDSA, rsa);
        Assert.Equal([CKM.CKM_ECDSA, CKM.CKM_ECDSA_SHA256, CKM.CKM_ECDSA_SHA384, CKM.CKM_ECDSA_SHA512], ec);
        var info = P.GetMechanismInfo(SlotOf(Fixture.Rsa), CKM.CKM_RSA_PKCS);
        Assert.Equal((2048ul, 4096ul, CKF.CKF_SIGN | CKF.CKF_VERIFY), info);
        Assert.Equal(CKR.CKR_MECHANISM_INVALID, Code(() => P.GetMechanismInfo(SlotOf(Fixture.Rsa), CKM.CKM_ECDSA)));
    }

    [Fact]
    public void Sessions_are_read_only_and_writes_are_refused()
    {
        Initialize();
        var slot = SlotOf(Fixture.Rsa);

        Assert.Equal(CKR.CKR_TOKEN_WRITE_PROTECTED, Code(() => P.OpenSession(slot, CKF.CKF_SERIAL_SESSION | CKF.CKF_RW_SESSION)));
        Assert.Equal(CKR.CKR_SESSION_PARALLEL_NOT_SUPPORTED, Code(() => P.OpenSession(slot, 0)));
        var session = P.OpenSession(slot, CKF.CKF_SERIAL_SESSION);
        Assert.Equal(CKR.CKR_SESSION_READ_ONLY, Code(() => P.RefuseModification(session, "C_CreateObject")));
        Assert.Equal(CKR.CKR_TOKEN_WRITE_PROTECTED, Code(() => P.RefuseInitToken(slot)));
        Assert.Equal(CKR.CKR_SESSION_HANDLE_INVALID, Code(() => P.RefuseModification(session + 100, "C_SetPIN")));
        Assert.Equal(4, Find(session).Length);
    }

    [Fact]
    public void Login_with_any_pin_succeeds_when_the_configuration_holds_credentials()
    {
        Initialize();
        var session = OpenSession(Fixture.Rsa);

        P.Login(session, CKU.CKU_USER, "anything");

        Assert.Equal(CKS.CKS_RO_USER_FUNCTIONS, P.GetSessionInfo(session).State);
        Assert.Equal(CKR.CKR_USER_TYPE_INVALID, Code(() => P.Login(session, CKU.CKU_SO, "x")));
        P.Logout(session);
        Assert.Equal(CKS.CKS_RO_PUBLIC_SESSION, P.GetSessionInfo(session).State);
    }

    [Fact]
    public void The_Signer_list_is_cached_for_the_ttl()
    {
        Initialize();
        _ = P.GetSlotList();
        var calls = Server.CallCount;

        _ = P.GetSlotList();
        _ = P.GetTokenInfo(SlotOf(Fixture.Rsa));

        Assert.Equal(calls, Server.CallCount);
    }

    [Theory]
    [InlineData(60, 4)]
    [InlineData(0, 5)]
    public void A_new_Signer_appears_once_the_cached_list_is_older_than_the_ttl(int ttlSeconds, int slotsAfter)
    {
        var config = Config();
        config["cache_ttl_seconds"] = ttlSeconds;
        Initialize(config);
        Assert.Equal(4, P.GetSlotList().Length);
        var added = Server.Add(new FakeSigner("late-signer", ECDsa.Create(ECCurve.NamedCurves.nistP256), KeyAlgorithm.EcP256), FakeServerFixture.ApiKey);
        try
        {
            Assert.Equal(slotsAfter, P.GetSlotList().Length);
        }
        finally
        {
            Server.Signers.TryRemove(added.Id, out _);
        }
    }
}
