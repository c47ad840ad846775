using System.Runtime.InteropServices;
using System.Security.Cryptography;
using CodeSigning.Tests.Shared;
using CodeSigning.V1;
using Google.Protobuf;
using Grpc.Core;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using static CodeSigning.Pkcs11.Native.Tests.Interop;

namespace CodeSigning.Pkcs11.Native.Tests;

/// <summary>
/// Acceptance for the HSM vault: Signer keys generated in SoftHSM2 by the published server sign
/// through our published module, and the token itself refuses to let them out.
/// </summary>
[Collection(NativeModuleCollection.Name)]
public sealed class HsmVaultTests : IClassFixture<HsmServerFixture>, IDisposable
{
    private static readonly byte[] Data = "firmware image"u8.ToArray();
    private readonly HsmServerFixture _hsm;

    public HsmVaultTests(HsmServerFixture hsm)
    {
        this._hsm = hsm;
        RawCalls.EnsureFinalized();
        NativeServerFixture.UseConfig(hsm.ConfigPath);
    }

    public void Dispose() => RawCalls.EnsureFinalized();

    public static TheoryData<string, CKM, string> Mechanisms => new()
    {
        { "hsm-rsa", CKM.CKM_RSA_PKCS, "SHA256" },
        { "hsm-rsa", CKM.CKM_SHA384_RSA_PKCS, "SHA384" },
        { "hsm-rsa", CKM.CKM_RSA_PKCS_PSS, "SHA256" },
        { "hsm-rsa", CKM.CKM_SHA512_RSA_PKCS_PSS, "SHA512" },
        { "hsm-p256", CKM.CKM_ECDSA, "SHA256" },
        { "hsm-p256", CKM.CKM_ECDSA_SHA384, "SHA384" },
    };

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public void Signs_through_the_module_with_the_key_in_the_HSM(string signer, CKM type, string hashName)
    {
        using var library = Load();
        using var session = Slot(library, signer).OpenSession(SessionType.ReadOnly);
        var hash = new HashAlgorithmName(hashName);

        var signature = session.Sign(Mechanism(session, type, hash), PrivateKey(session), Input(type, hash, Data));

        Assert.True(VerifiesWithCertificate(signer == "hsm-rsa" ? _hsm.Rsa : _hsm.P256, type, hash, Data, signature));
    }

    [Fact]
    public async Task Each_Signer_shows_its_vault_and_the_default_is_the_servers()
    {
        var signers = new SignerService.SignerServiceClient(_hsm.Admin());

        Assert.Equal("pkcs11", (await signers.GetSignerAsync(new GetSignerRequest { Signer = "hsm-rsa" })).KeyVault);
        Assert.Equal("pkcs11", (await signers.GetSignerAsync(new GetSignerRequest { Signer = "hsm-p256" })).KeyVault);
        Assert.Equal("software", (await signers.GetSignerAsync(new GetSignerRequest { Signer = "soft-p256" })).KeyVault);
        var created = (await new AuditService.AuditServiceClient(_hsm.Admin()).QueryAuditEventsAsync(new QueryAuditEventsRequest { PageSize = 1000 }))
            .Events.Where(e => e.Type == "signer.created").ToDictionary(e => e.SignerName, e => e.Details["key_vault"]);
        Assert.Equal("pkcs11", created["hsm-rsa"]);
        Assert.Equal("software", created["soft-p256"]);
    }

    [Fact]
    public async Task Readyz_probes_the_HSM_vault_and_answers_ready()
    {
        using var http = _hsm.Server.CreateHttpClient();
        using var response = await http.GetAsync(new Uri(_hsm.Server.Url, "/readyz"));

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ready", await response.Content.ReadAsStringAsync());
        Assert.DoesNotContain("Not ready", _hsm.Server.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Importing_a_key_into_the_HSM_vault_is_refused_and_creates_nothing()
    {
        var signers = new SignerService.SignerServiceClient(_hsm.Admin());
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = RealServerFixture.NewSigner("hsm-imported", KeyAlgorithm.Unspecified, keyVault: "pkcs11");
        request.ImportPrivateKey = ByteString.CopyFrom(key.ExportPkcs8PrivateKey());

        var error = await Assert.ThrowsAsync<RpcException>(async () => await signers.CreateSignerAsync(request));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal("KEY_VAULT_NOT_CONFIGURED", Reason(error));
        var names = (await signers.ListSignersAsync(new ListSignersRequest())).Signers.Select(s => s.Name);
        Assert.DoesNotContain("hsm-imported", names);
    }

    [Fact]
    public async Task A_refused_Signer_leaves_no_key_in_the_HSM()
    {
        var signers = new SignerService.SignerServiceClient(_hsm.Admin());

        var error = await Assert.ThrowsAsync<RpcException>(async () => await signers.CreateSignerAsync(RealServerFixture.NewSigner("hsm-p256", KeyAlgorithm.EcP256, keyVault: "pkcs11")));

        Assert.Equal("NAME_TAKEN", Reason(error));
        using var library = Load(SoftHsmToken.ModulePath);
        using var session = TokenSession(library);
        var labels = session.FindAllObjects([session.Factories.ObjectAttributeFactory.Create(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY)])
            .Select(k => session.GetAttributeValue(k, [CKA.CKA_LABEL])[0].GetValueAsString()).Order();
        // The timestamp authority's key: made in the server's default vault at its first start.
        Assert.Equal(["codesign signer hsm-p256", "codesign signer hsm-rsa", "codesign timestamp authority"], labels);
    }

    public static TheoryData<string, string> BadHsmSettings => new()
    {
        { "pin", "CKR_PIN_INCORRECT" },
        { "token", "has no token labelled 'no-such-token'" },
        { "module", "cannot load the PKCS#11 module /nonexistent/libpkcs11.so" },
    };

    [Theory]
    [MemberData(nameof(BadHsmSettings))]
    public async Task A_server_with_bad_HSM_settings_does_not_start_and_says_why_without_the_PIN(string wrong, string expected)
    {
        using var pinFile = new TempPinFile(wrong == "pin" ? "00000000" : SoftHsmToken.UserPin);
        var (exitCode, output) = await _hsm.Server.RunCommandAsync([
            "--data-dir", _hsm.Server.DataDir, .. _hsm.Server.DatabaseArguments, "--listen", "127.0.0.1:0", "--plaintext", "--key-vault", "pkcs11",
            "--hsm-module", wrong == "module" ? "/nonexistent/libpkcs11.so" : SoftHsmToken.ModulePath,
            "--hsm-token", wrong == "token" ? "no-such-token" : SoftHsmToken.Label, "--hsm-pin-file", pinFile.Path]);

        Assert.Equal(1, exitCode);
        Assert.Contains(expected, output, StringComparison.Ordinal);
        Assert.DoesNotContain("listening on", output, StringComparison.Ordinal);
        Assert.DoesNotContain("00000000", output, StringComparison.Ordinal);
        Assert.DoesNotContain(SoftHsmToken.UserPin, output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hsm-rsa", CKA.CKA_PRIVATE_EXPONENT)]
    [InlineData("hsm-p256", CKA.CKA_VALUE)]
    public void The_token_keeps_the_key_sensitive_and_refuses_to_export_it(string signer, CKA secret)
    {
        using var library = Load(SoftHsmToken.ModulePath);
        using var session = TokenSession(library);
        var attributes = session.Factories.ObjectAttributeFactory;
        var key = session.FindAllObjects([attributes.Create(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY), attributes.Create(CKA.CKA_LABEL, $"codesign signer {signer}")]).Single();

        var flags = session.GetAttributeValue(key, [CKA.CKA_TOKEN, CKA.CKA_PRIVATE, CKA.CKA_SENSITIVE, CKA.CKA_EXTRACTABLE, CKA.CKA_ALWAYS_SENSITIVE, CKA.CKA_NEVER_EXTRACTABLE])
            .Select(a => a.GetValueAsBool()).ToArray();
        Assert.Equal([true, true, true, false, true, true], flags);
        Assert.Equal(16, session.GetAttributeValue(key, [CKA.CKA_ID])[0].GetValueAsByteArray().Length);

        // The high-level API hides C_GetAttributeValue's return code: call SoftHSM2's export directly.
        Assert.Equal(CKR.CKR_ATTRIBUTE_SENSITIVE, (CKR)ReadAttribute(session.SessionId, key.ObjectId, secret));

        // A session key (gone with the session) to wrap with.
        var wrapping = session.GenerateKey(session.Factories.MechanismFactory.Create(CKM.CKM_AES_KEY_GEN),
            [attributes.Create(CKA.CKA_TOKEN, false), attributes.Create(CKA.CKA_WRAP, true), attributes.Create(CKA.CKA_VALUE_LEN, 32ul)]);
        Assert.Equal(CKR.CKR_KEY_UNEXTRACTABLE, Code(() => session.WrapKey(session.Factories.MechanismFactory.Create(CKM.CKM_AES_KEY_WRAP_PAD), wrapping, key)));
    }

    /// <summary>A session on the server's token, logged in as its user, opened directly (not through the server).</summary>
    private static ISession TokenSession(IPkcs11Library library)
    {
        var session = library.GetSlotList(SlotsType.WithTokenPresent).Single(s => s.GetTokenInfo().Label.Trim() == SoftHsmToken.Label).OpenSession(SessionType.ReadWrite);
        session.Login(CKU.CKU_USER, SoftHsmToken.UserPin);
        return session;
    }

    private static unsafe nuint ReadAttribute(ulong session, ulong key, CKA type)
    {
        var template = new RawCalls.Attribute { Type = (nuint)(ulong)type };
        var module = NativeLibrary.Load(SoftHsmToken.ModulePath);
        try
        {
            var getAttributeValue = (delegate* unmanaged[Cdecl]<nuint, nuint, RawCalls.Attribute*, nuint, nuint>)NativeLibrary.GetExport(module, "C_GetAttributeValue");
            return getAttributeValue((nuint)session, (nuint)key, &template, 1);
        }
        finally
        {
            NativeLibrary.Free(module); // only drops this reference: Pkcs11Interop still holds the module
        }
    }

    /// <summary>A PIN file readable by its owner only, deleted on dispose.</summary>
    private sealed class TempPinFile : IDisposable
    {
        public TempPinFile(string pin) => TestFiles.WriteSecret(Path, pin + "\n");

        public string Path { get; } = System.IO.Path.GetTempFileName();

        public void Dispose() => File.Delete(Path);
    }

    private static string? Reason(RpcException error) => error.GetRpcStatus()?.GetDetail<Google.Rpc.ErrorInfo>()?.Reason;
}
