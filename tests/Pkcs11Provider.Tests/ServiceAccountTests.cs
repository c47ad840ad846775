using System.Security.Cryptography;
using System.Text.Json.Nodes;
using CodeSigning.Pkcs11.Cryptoki;
using CodeSigning.V1;

namespace CodeSigning.Pkcs11.Tests;

/// <summary>A service account in the configuration: its assertion is exchanged for an access token, reused until near expiry.</summary>
[Collection(ProviderCollection.Name)]
public sealed class ServiceAccountTests(FakeServerFixture fixture) : ProviderTestBase(fixture)
{
    private const string ClientId = "ci-bot";

    [Fact]
    public void The_module_signs_as_the_service_account_with_one_token_exchange()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Server.ServiceAccounts[ClientId] = key;
        Fixture.P256.Members["sa:" + ClientId] = Role.Operator;
        try
        {
            Initialize(ServiceAccountConfig(key, UnixFileMode.UserRead | UnixFileMode.UserWrite));
            var tokensBefore = Server.AccessTokens.Count;

            var slot = Assert.Single(P.GetSlotList());
            var session = P.OpenSession(slot, CKF.CKF_SERIAL_SESSION);
            var signature = Sign(session, CKM.CKM_ECDSA_SHA256, "data"u8.ToArray());

            Assert.True(((ECDsa)Fixture.P256.Key).VerifyData("data"u8, signature, HashAlgorithmName.SHA256));
            Assert.Equal(tokensBefore + 1, Server.AccessTokens.Count);
        }
        finally
        {
            Fixture.P256.Members.Remove("sa:" + ClientId);
        }
    }

    [Fact]
    public void A_private_key_file_readable_by_group_is_refused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var failure = Assert.Throws<Pkcs11Exception>(() => Initialize(ServiceAccountConfig(key, UnixFileMode.UserRead | UnixFileMode.GroupRead)));

        Assert.Equal(CKR.CKR_GENERAL_ERROR, failure.Result);
        Assert.Contains("readable by group or others", failure.Message, StringComparison.Ordinal);
        Assert.False(Provider.IsInitialized);
    }

    private JsonObject ServiceAccountConfig(ECDsa key, UnixFileMode mode)
    {
        var keyFile = Path.Combine(Directory.FullName, "sa-key.pem");
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        SetMode(keyFile, mode);
        var config = Config();
        config["auth"] = new JsonObject { ["service_account"] = new JsonObject { ["client_id"] = ClientId, ["private_key_file"] = keyFile } };
        return config;
    }
}
