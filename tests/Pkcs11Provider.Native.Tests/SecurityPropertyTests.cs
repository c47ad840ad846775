using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CodeSigning.Tests.Shared;
using CodeSigning.V1;
using Google.Protobuf;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using static CodeSigning.Pkcs11.Native.Tests.Interop;

namespace CodeSigning.Pkcs11.Native.Tests;

/// <summary>
/// Security properties seen from the module against the published server, both logging at their
/// most verbose: an Auditor cannot sign, a revocation stops the very next signature of an open
/// session whatever the Signer cache, and no secret reaches either log.
/// </summary>
[Collection(NativeModuleCollection.Name)]
public sealed partial class SecurityPropertyTests(SecurityPropertyTests.Fixture fixture) : IClassFixture<SecurityPropertyTests.Fixture>, IDisposable
{
    private const string Signer = "guarded-p256";
    private static readonly byte[] Data = "guarded artifact"u8.ToArray();

    public sealed class Fixture : IAsyncLifetime
    {
        public ServerProcess Server { get; private set; } = null!;

        public DirectoryInfo Directory { get; } = System.IO.Directory.CreateTempSubdirectory("pkcs11-security-");

        public string LogFile => Path.Combine(Directory.FullName, "module.log");

        /// <summary>Every secret the tests hand out or learn, to look for in the logs.</summary>
        public List<string> Secrets { get; } = [];

        public Dictionary<string, string> ApiKeys { get; } = [];

        public async Task InitializeAsync()
        {
            Server = await ServerProcess.StartAsync(environment: new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Trace" });
            Secrets.Add(Server.AdminApiKey);
            using var admin = Server.CreateChannel(Server.AdminApiKey);
            var identity = new IdentityService.IdentityServiceClient(admin);
            var members = new List<MemberSpec> { new() { Principal = User("admin"), Role = Role.Administrator } };
            foreach (var (name, role) in new[] { ("operator", Role.Operator), ("auditor", Role.Auditor), ("revoked", Role.Operator) })
            {
                await identity.CreateUserAsync(new CreateUserRequest { Name = name });
                ApiKeys[name] = (await identity.CreateApiKeyAsync(new CreateApiKeyRequest { User = name })).Secret;
                Secrets.Add(ApiKeys[name]);
                members.Add(new MemberSpec { Principal = User(name), Role = role });
            }
            await new SignerService.SignerServiceClient(admin).CreateSignerAsync(new CreateSignerRequest
            {
                Name = Signer,
                KeyAlgorithm = KeyAlgorithm.EcP256,
                CertificateAuthority = CertificateAuthorityKind.Internal,
                Members = { members },
            });
        }

        public async Task DisposeAsync()
        {
            await Server.DisposeAsync();
            Directory.Delete(recursive: true);
        }

        public GrpcChannelScope Admin() => new(Server.CreateChannel(Server.AdminApiKey));

        public void UseConfig(JsonObject config)
        {
            var path = Path.Combine(Directory.FullName, "pkcs11.json");
            TestFiles.WriteConfig(path, config);
            NativeServerFixture.UseConfig(path);
        }

        public JsonObject Config(JsonObject? auth) => new()
        {
            ["servers"] = new JsonArray(Server.Url.ToString()),
            ["tls_ca_file"] = Server.TlsCertificatePath,
            ["auth"] = auth,
            ["signers"] = new JsonArray(Signer),
            ["retries"] = 0,
            ["log_level"] = "trace",
            ["log_file"] = LogFile,
        };
    }

    /// <summary>Disposes the channel with the clients made on it.</summary>
    public sealed class GrpcChannelScope(Grpc.Net.Client.GrpcChannel channel) : IDisposable
    {
        public SignerService.SignerServiceClient Signers { get; } = new(channel);

        public MemberService.MemberServiceClient Members { get; } = new(channel);

        public IdentityService.IdentityServiceClient Identity { get; } = new(channel);

        public AuditService.AuditServiceClient Audit { get; } = new(channel);

        public void Dispose() => channel.Dispose();
    }

    public void Dispose() => RawCalls.EnsureFinalized();

    [Fact]
    public async Task An_auditor_cannot_sign_through_the_module_and_the_refusal_is_audited()
    {
        RawCalls.EnsureFinalized();
        fixture.UseConfig(fixture.Config(ApiKey("auditor")));
        using var admin = fixture.Admin();
        var before = await DeniedCountAsync(admin, "auditor");

        using (var library = Load())
        {
            using var session = Slot(library, Signer).OpenSession(SessionType.ReadOnly);
            Assert.Equal(CKR.CKR_FUNCTION_REJECTED, Code(() => session.Sign(Ecdsa(session), PrivateKey(session), Data)));
        }

        Assert.Contains($"Signer {Signer} refused to sign: ROLE_FORBIDS", File.ReadAllText(fixture.LogFile), StringComparison.Ordinal);
        Assert.Equal(before + 1, await DeniedCountAsync(admin, "auditor"));
    }

    [Fact]
    public async Task Each_revocation_stops_the_very_next_signature_of_an_open_session_whatever_the_signer_cache()
    {
        RawCalls.EnsureFinalized();
        var config = fixture.Config(ApiKey("revoked"));
        config["cache_ttl_seconds"] = 3600;
        fixture.UseConfig(config);
        using var admin = fixture.Admin();
        var revoked = User("revoked");
        using var library = Load();
        using var session = Slot(library, Signer).OpenSession(SessionType.ReadOnly);
        var key = PrivateKey(session);
        Assert.Equal(64, session.Sign(Ecdsa(session), key, Data).Length);

        await admin.Signers.SetSignerEnabledAsync(new SetSignerEnabledRequest { Signer = Signer, Enabled = false });
        Assert.Equal(CKR.CKR_FUNCTION_REJECTED, Code(() => session.Sign(Ecdsa(session), key, Data)));
        await admin.Signers.SetSignerEnabledAsync(new SetSignerEnabledRequest { Signer = Signer, Enabled = true });
        Assert.Equal(64, session.Sign(Ecdsa(session), key, Data).Length);

        await admin.Members.SetMemberAsync(new SetMemberRequest { Signer = Signer, Principal = revoked, Role = Role.Auditor });
        Assert.Equal(CKR.CKR_FUNCTION_REJECTED, Code(() => session.Sign(Ecdsa(session), key, Data)));

        await admin.Members.RemoveMemberAsync(new RemoveMemberRequest { Signer = Signer, Principal = revoked });
        Assert.Equal(CKR.CKR_FUNCTION_REJECTED, Code(() => session.Sign(Ecdsa(session), key, Data)));
        // The cached slot is still listed: the cache serves the token list, never a signing decision.
        Assert.Contains(library.GetSlotList(SlotsType.WithTokenPresent), s => s.GetTokenInfo().Label == Signer);

        await admin.Members.SetMemberAsync(new SetMemberRequest { Signer = Signer, Principal = revoked, Role = Role.Operator });
        Assert.Equal(64, session.Sign(Ecdsa(session), key, Data).Length);

        var keyId = (await admin.Identity.ListApiKeysAsync(new ListApiKeysRequest { User = "revoked" })).ApiKeys.Single().Id;
        await admin.Identity.RevokeApiKeyAsync(new RevokeApiKeyRequest { ApiKeyId = keyId });
        Assert.Equal(CKR.CKR_USER_NOT_LOGGED_IN, Code(() => session.Sign(Ecdsa(session), key, Data)));
    }

    [Fact]
    public async Task No_api_key_pin_token_kek_or_private_key_reaches_the_server_or_module_log()
    {
        var forged = "csk_0123456789ab_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        fixture.Secrets.Add(forged);

        // An API key in the configuration: list, sign; a forged one: refused.
        RawCalls.EnsureFinalized();
        fixture.UseConfig(fixture.Config(ApiKey("operator")));
        SignOnce(login: null);
        fixture.UseConfig(fixture.Config(new JsonObject { ["api_key"] = forged }));
        using (var library = Load())
        {
            Assert.Equal(CKR.CKR_USER_NOT_LOGGED_IN, Code(() => library.GetSlotList(SlotsType.WithTokenPresent)));
        }

        // The API key as PIN: a wrong PIN refused, the right one signs.
        fixture.UseConfig(fixture.Config(auth: null));
        using (var library = Load())
        {
            using var session = Slot(library, Signer).OpenSession(SessionType.ReadOnly);
            Assert.Equal(CKR.CKR_PIN_INCORRECT, Code(() => session.Login(CKU.CKU_USER, forged)));
        }
        SignOnce(login: fixture.ApiKeys["operator"]);

        // A service account: its private key file, and the access tokens the module and this test obtain.
        using var accountKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var accountPkcs8 = accountKey.ExportPkcs8PrivateKey();
        using var admin = fixture.Admin();
        var account = await admin.Identity.CreateServiceAccountAsync(new CreateServiceAccountRequest { Name = "traced-bot" });
        var registered = await admin.Identity.AddServiceAccountKeyAsync(new AddServiceAccountKeyRequest
        {
            ServiceAccount = account.Name, PublicKey = ByteString.CopyFrom(accountKey.ExportSubjectPublicKeyInfo()),
        });
        await admin.Members.SetMemberAsync(new SetMemberRequest
        {
            Signer = Signer, Principal = new PrincipalRef { Kind = PrincipalKind.ServiceAccount, Name = account.Name }, Role = Role.Operator,
        });
        var keyFile = Path.Combine(fixture.Directory.FullName, "traced-bot.pem");
        TestFiles.WriteSecret(keyFile, accountKey.ExportPkcs8PrivateKeyPem());
        fixture.UseConfig(fixture.Config(new JsonObject
        {
            ["service_account"] = new JsonObject { ["client_id"] = account.ClientId, ["private_key_file"] = keyFile, ["key_id"] = registered.KeyId },
        }));
        SignOnce(login: null);
        using (var anonymous = fixture.Server.CreateChannel("none"))
        {
            var tokens = new TokenService.TokenServiceClient(anonymous);
            var audience = (await tokens.GetServerInfoAsync(new Google.Protobuf.WellKnownTypes.Empty())).TokenAudience;
            var assertion = ServiceAccountAssertion.Create(account.ClientId, registered.KeyId, accountKey, audience, TimeSpan.FromMinutes(2), DateTimeOffset.UtcNow);
            fixture.Secrets.Add(assertion);
            var token = (await tokens.ExchangeAssertionAsync(new ExchangeAssertionRequest { Assertion = assertion })).AccessToken;
            fixture.Secrets.Add(token);
            using var bot = fixture.Server.CreateChannel(token);
            await new IdentityService.IdentityServiceClient(bot).WhoAmIAsync(new Google.Protobuf.WellKnownTypes.Empty());
        }

        var serverLog = fixture.Server.StandardOutput + fixture.Server.StandardError;
        var moduleLog = File.ReadAllText(fixture.LogFile);
        // The logs were as verbose as they get, and saw what happened.
        Assert.Contains("dbug: ", serverLog, StringComparison.Ordinal);
        Assert.Contains("Authentication from 127.0.0.1 failed: CREDENTIAL_INVALID", serverLog, StringComparison.Ordinal);
        Assert.Contains($"Signed with Signer {Signer} for traced-bot", serverLog, StringComparison.Ordinal);
        Assert.Contains(" Debug CodeSigning.Pkcs11: ", moduleLog, StringComparison.Ordinal);
        Assert.Contains($"signed with {Signer}", moduleLog, StringComparison.Ordinal);

        var secrets = fixture.Secrets.Select(Encoding.UTF8.GetBytes)
            .Concat(new[] { accountPkcs8, SealedKey.PrivateScalar(accountPkcs8) }.Concat(SealedKey.Keks(fixture.Server.DataDir).Values)
                .Concat(SealedPrivateKeys()).SelectMany(SealedKey.Encodings))
            .ToList();
        foreach (var (name, log) in new[] { ("server", serverLog), ("module", moduleLog) })
        {
            var bytes = Encoding.UTF8.GetBytes(log);
            Assert.All(secrets, secret => Assert.True(bytes.AsSpan().IndexOf(secret) < 0, $"the {name} log holds a secret: {Encoding.UTF8.GetString(secret)[..8]}..."));
            Assert.DoesNotMatch(Credential(), log);
        }
    }

    /// <summary>A whole API key or access token, whoever it belongs to.</summary>
    [GeneratedRegex("cs[kt]_[0-9a-f]{12}_[A-Za-z0-9_-]{20,}")]
    private static partial Regex Credential();

    private JsonObject ApiKey(string user) => new() { ["api_key"] = fixture.ApiKeys[user] };

    private static PrincipalRef User(string name) => new() { Kind = PrincipalKind.User, Name = name };

    private static IMechanism Ecdsa(ISession session) => session.Factories.MechanismFactory.Create(CKM.CKM_ECDSA_SHA256);

    private static void SignOnce(string? login)
    {
        using var library = Load();
        using var session = Slot(library, Signer).OpenSession(SessionType.ReadOnly);
        if (login is not null)
        {
            session.Login(CKU.CKU_USER, login);
        }
        Assert.Equal(64, session.Sign(Ecdsa(session), PrivateKey(session), Data).Length);
    }

    private static async Task<int> DeniedCountAsync(GrpcChannelScope admin, string actor) =>
        (await admin.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest
        {
            Filter = new AuditFilter { Signer = Signer, Actor = actor, Types_ = { "signature.denied" } },
            PageSize = 1000,
        })).Events.Count(e => e.Reason == "ROLE_FORBIDS");

    /// <summary>The server's private keys (every Signer's, the CA's), opened with the KEK from the SQLite store.</summary>
    private IEnumerable<byte[]> SealedPrivateKeys()
    {
        Assert.Null(fixture.Server.Database);
        var keks = SealedKey.Keks(fixture.Server.DataDir);
        var rows = TestFiles.Sqlite(Path.Combine(fixture.Server.DataDir, "codesign.db"),
            "SELECT hex(key_reference) FROM signers UNION ALL SELECT hex(value) FROM settings WHERE key LIKE 'ca.%.key';");
        Assert.Equal(3, rows.Length);
        return rows.SelectMany(row =>
        {
            var pkcs8 = SealedKey.Unseal(Convert.FromHexString(row), keks);
            return new[] { pkcs8, SealedKey.PrivateScalar(pkcs8) };
        });
    }
}
