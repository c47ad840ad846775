using System.Security.Cryptography.X509Certificates;

namespace CodeSigning.Cli.Tests;

/// <summary>Key rotation, archiving Signers, users and service accounts, and P-521, through csign against the published server.</summary>
[Collection(ServerCollection.Name)]
public sealed class LifecycleTests(ServerFixture fixture) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Renew_with_a_new_key_keeps_the_old_certificate_exportable()
    {
        var name = await fixture.NewSignerAsync("rotate");
        var before = ServerFixture.Json(await fixture.Admin.OkAsync("signer", "show", name, "--json"));

        var after = ServerFixture.Json(await fixture.Admin.OkAsync("signer", "renew", name, "--new-key", "--json"));

        Assert.NotEqual(before.GetProperty("publicKey").GetString(), after.GetProperty("publicKey").GetString());
        Assert.Equal(before.GetProperty("certificateChain")[0].GetString(), after.GetProperty("previousCertificates")[0].GetString());
        Assert.Contains("previous key:", await fixture.Admin.OkAsync("signer", "show", name), StringComparison.Ordinal);
        var old = _dir.File("old.pem");
        await fixture.Admin.OkAsync("signer", "export-chain", name, "--previous", "--out", old);
        Assert.Equal(Convert.FromBase64String(before.GetProperty("certificateChain")[0].GetString()!),
            System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(System.Text.Encoding.ASCII.GetBytes(await File.ReadAllTextAsync(old))).RawData);
        await File.WriteAllTextAsync(_dir.File("data"), "after rotation");
        await fixture.Admin.OkAsync("sign", "--signer", name, "--in", _dir.File("data"));
    }

    [Fact]
    public async Task An_archived_Signer_is_listed_as_archived_and_refuses_signing()
    {
        var name = await fixture.NewSignerAsync("retire");
        await File.WriteAllTextAsync(_dir.File("data"), "to sign");
        Assert.Contains("archived", await fixture.Admin.OkAsync("signer", "archive", name), StringComparison.Ordinal);

        Assert.Matches($"{name} +ec-p256 +internal +archived ", await fixture.Admin.OkAsync("signer", "list"));
        Refusal.Assert(await fixture.Admin.RunAsync("sign", "--signer", name, "--in", _dir.File("data")), "SIGNER_ARCHIVED");
        Refusal.Assert(await fixture.Admin.RunAsync("signer", "enable", name), "SIGNER_ARCHIVED");
        Assert.False(File.Exists(_dir.File("data") + ".sig"));
    }

    [Fact]
    public async Task An_archived_user_loses_its_key_at_once_and_stays_archived()
    {
        var (name, csign) = await fixture.NewUserAsync("leaver");
        await csign.OkAsync("whoami");

        await fixture.Admin.OkAsync("user", "archive", name);

        Refusal.Assert(await csign.RunAsync("whoami"), "CREDENTIAL_REVOKED");
        Refusal.Assert(await fixture.Admin.RunAsync("user", "enable", name), "PRINCIPAL_ARCHIVED");
        Assert.Matches($"{name} .* archived ", await fixture.Admin.OkAsync("user", "list"));
    }

    [Fact]
    public async Task A_P521_Signer_signs_with_SHA_512_by_default()
    {
        var name = await fixture.NewSignerAsync("p521", "--algorithm", "ec-p521");
        Assert.Contains("ec-p521", await fixture.Admin.OkAsync("signer", "show", name), StringComparison.Ordinal);
        await File.WriteAllTextAsync(_dir.File("data"), "p521");
        var signed = await fixture.Admin.OkAsync("sign", "--signer", name, "--in", _dir.File("data"));
        Assert.Contains("digest:      sha512 ", signed, StringComparison.Ordinal);
        var chain = ServerFixture.Json(await fixture.Admin.OkAsync("signer", "export-chain", name, "--json"));
        using var leaf = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(
            Convert.FromBase64String(chain.GetProperty("certificateChain")[0].GetString()!));
        Assert.True(leaf.GetECDsaPublicKey()!.VerifyData(await File.ReadAllBytesAsync(_dir.File("data")), await File.ReadAllBytesAsync(_dir.File("data") + ".sig"),
            System.Security.Cryptography.HashAlgorithmName.SHA512, System.Security.Cryptography.DSASignatureFormat.Rfc3279DerSequence));
    }
}
