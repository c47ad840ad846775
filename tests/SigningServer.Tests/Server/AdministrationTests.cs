using CodeSigning.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace CodeSigning.Server.Tests.Server;

/// <summary>Users, API keys and Signer creation: bad input gets a clear error and creates nothing.</summary>
public sealed class AdministrationTests(AdministrationTests.Fixture fixture) : IClassFixture<AdministrationTests.Fixture>
{
    public sealed class Fixture : InProcessServer
    {
        public Clients Alice { get; private set; } = null!;

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            Alice = (await CreateUserAsync("alice")).Clients;
        }
    }

    [Fact]
    public async Task The_last_product_admin_cannot_be_demoted_or_disabled()
    {
        await Rpc.FailsAsync(() => fixture.Admin.Identity.SetProductAdminAsync(new SetProductAdminRequest { User = "admin", ProductAdmin = false }),
            StatusCode.FailedPrecondition, "CONFLICT");
        await Rpc.FailsAsync(() => fixture.Admin.Identity.SetUserEnabledAsync(new SetUserEnabledRequest { User = "admin", Enabled = false }),
            StatusCode.FailedPrecondition, "CONFLICT");
        var me = await fixture.Admin.Identity.WhoAmIAsync(new Empty());
        Assert.True(me.ProductAdmin);
    }

    [Fact]
    public async Task Users_manage_their_own_api_keys_only()
    {
        var own = await fixture.Alice.Identity.CreateApiKeyAsync(new CreateApiKeyRequest { Description = "laptop" });
        Assert.Equal("alice", own.ApiKey.UserName);
        Assert.StartsWith($"csk_{own.ApiKey.Id}_", own.Secret, StringComparison.Ordinal);
        // 90 days by default, but never past the key it was made with (ReviewAuthTests).
        Assert.Equal((await fixture.Alice.Identity.WhoAmIAsync(new Empty())).CredentialExpiresAt, own.ApiKey.ExpiresAt);
        Assert.Equal(own.ApiKey.CreatedByApiKeyId, (await fixture.Alice.Identity.WhoAmIAsync(new Empty())).CredentialId);

        await Rpc.FailsAsync(() => fixture.Alice.Identity.CreateApiKeyAsync(new CreateApiKeyRequest { User = "admin" }), StatusCode.PermissionDenied, "PRODUCT_ADMIN_REQUIRED");
        var info = await Rpc.FailsAsync(() => fixture.Alice.Identity.CreateApiKeyAsync(new CreateApiKeyRequest { Ttl = Duration.FromTimeSpan(TimeSpan.FromDays(400)) }),
            StatusCode.InvalidArgument, "INVALID_ARGUMENT");
        Assert.Equal("ttl", info.Metadata["field"]);

        var keys = await fixture.Alice.Identity.ListApiKeysAsync(new ListApiKeysRequest());
        Assert.Equal(2, keys.ApiKeys.Count);
        Assert.Single(keys.ApiKeys, k => k.LastUsedAt is not null && k.Id != own.ApiKey.Id);
        Assert.Null(Assert.Single(keys.ApiKeys, k => k.Id == own.ApiKey.Id).LastUsedAt);
        Assert.DoesNotContain(keys.ApiKeys, k => k.ExpiresAt.ToDateTimeOffset() > DateTimeOffset.UtcNow.AddDays(100));
    }

    public static TheoryData<string, string> BadSigners => new()
    {
        { "bad name", "name" },
        { "no algorithm", "key_algorithm" },
        { "no authority", "certificate_authority" },
        { "no administrator", "members" },
        { "bad subject", "subject" },
        { "unknown member", "" },
    };

    [Theory]
    [MemberData(nameof(BadSigners))]
    public async Task A_bad_signer_request_creates_nothing(string flaw, string field)
    {
        var request = new CreateSignerRequest
        {
            Name = "refused", KeyAlgorithm = KeyAlgorithm.EcP256, CertificateAuthority = CertificateAuthorityKind.Internal,
            Members = { new MemberSpec { Principal = InProcessServer.UserRef("alice"), Role = Role.Administrator } },
        };
        switch (flaw)
        {
            case "bad name": request.Name = "has spaces"; break;
            case "no algorithm": request.KeyAlgorithm = KeyAlgorithm.Unspecified; break;
            case "no authority": request.CertificateAuthority = CertificateAuthorityKind.Unspecified; break;
            case "no administrator": request.Members[0].Role = Role.Operator; break;
            case "bad subject": request.Subject = "not a dn"; break;
            default: request.Members[0].Principal = InProcessServer.UserRef("nobody"); break;
        }
        var before = (await fixture.Admin.Signers.ListSignersAsync(new ListSignersRequest())).Signers.Count;

        if (field.Length == 0)
        {
            await Rpc.FailsAsync(() => fixture.Admin.Signers.CreateSignerAsync(request), StatusCode.NotFound, "NOT_FOUND");
        }
        else
        {
            var info = await Rpc.FailsAsync(() => fixture.Admin.Signers.CreateSignerAsync(request), StatusCode.InvalidArgument, "INVALID_ARGUMENT");
            Assert.Equal(field, info.Metadata["field"]);
        }
        Assert.Equal(before, (await fixture.Admin.Signers.ListSignersAsync(new ListSignersRequest())).Signers.Count);
    }

    [Fact]
    public async Task Signer_names_are_unique()
    {
        await fixture.CreateSignerAsync("unique", KeyAlgorithm.EcP256, ("alice", Role.Administrator));
        await Rpc.FailsAsync(() => fixture.CreateSignerAsync("unique", KeyAlgorithm.EcP256, ("alice", Role.Administrator)), StatusCode.AlreadyExists, "NAME_TAKEN");
        Assert.Single((await fixture.Alice.Signers.ListSignersAsync(new ListSignersRequest())).Signers, s => s.Name == "unique");
    }
}
