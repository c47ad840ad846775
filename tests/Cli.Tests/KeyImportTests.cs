using System.Security.Cryptography;
using System.Text.Json;

namespace CodeSigning.Cli.Tests;

/// <summary><c>csign signer create --import-key</c> with each PEM form a team's key file may be in, and <c>--key-vault</c>.</summary>
[Collection(ServerCollection.Name)]
public sealed class KeyImportTests(ServerFixture fixture) : IDisposable
{
    private const string Password = "correct horse";
    private static readonly PbeParameters Encryption = new(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000);
    private readonly TempDirectory _files = new();

    public void Dispose() => _files.Dispose();

    public static TheoryData<string> Forms => ["pkcs8", "encrypted-pkcs8", "encrypted-pkcs8-env", "rsa-traditional", "ec-traditional"];

    [Theory]
    [MemberData(nameof(Forms))]
    public async Task Each_PEM_form_is_imported_with_its_own_public_key(string form)
    {
        using AsymmetricAlgorithm key = form == "rsa-traditional" ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = form switch
        {
            "pkcs8" => key.ExportPkcs8PrivateKeyPem(),
            "encrypted-pkcs8" or "encrypted-pkcs8-env" => key.ExportEncryptedPkcs8PrivateKeyPem(Password, Encryption),
            "rsa-traditional" => ((RSA)key).ExportRSAPrivateKeyPem(),
            _ => ((ECDsa)key).ExportECPrivateKeyPem(),
        };
        await File.WriteAllTextAsync(_files.File("key.pem"), pem);
        await File.WriteAllTextAsync(_files.File("password"), Password + "\n");
        var name = fixture.Unique("imported");
        string[] args = ["signer", "create", "--name", name, "--import-key", _files.File("key.pem"), "--json"];
        var csign = fixture.Admin;
        if (form == "encrypted-pkcs8")
        {
            args = [.. args, "--key-password-file", _files.File("password")];
        }
        else if (form == "encrypted-pkcs8-env")
        {
            csign = csign.With("CODESIGN_KEY_PASSWORD", Password);
        }

        var created = ServerFixture.Json(await csign.OkAsync(args));

        Assert.Equal(Convert.ToBase64String(key.ExportSubjectPublicKeyInfo()), created.GetProperty("publicKey").GetString());
        Assert.Equal("software", created.GetProperty("keyVault").GetString());
    }

    [Fact]
    public async Task A_wrong_password_or_a_certificate_for_another_key_creates_nothing()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await File.WriteAllTextAsync(_files.File("key.pem"), key.ExportEncryptedPkcs8PrivateKeyPem(Password, Encryption));
        await File.WriteAllTextAsync(_files.File("wrong"), "not the password");
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=other", other, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        await File.WriteAllTextAsync(_files.File("chain.pem"), certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(_files.File("password"), Password);
        var before = await fixture.Admin.OkAsync("signer", "list", "--json");

        var wrongPassword = await fixture.Admin.RunAsync("signer", "create", "--name", fixture.Unique("wrong-password"),
            "--import-key", _files.File("key.pem"), "--key-password-file", _files.File("wrong"));
        var mismatch = await fixture.Admin.RunAsync("signer", "create", "--name", fixture.Unique("mismatch"),
            "--import-key", _files.File("key.pem"), "--key-password-file", _files.File("password"), "--certificate", _files.File("chain.pem"));

        Assert.Equal(ExitCode.Usage, wrongPassword.ExitCode);
        Assert.Contains("wrong password", wrongPassword.Error, StringComparison.Ordinal);
        Refusal.Assert(mismatch, "CERTIFICATE_MISMATCH");
        Assert.Equal(before, await fixture.Admin.OkAsync("signer", "list", "--json"));
    }

    [Fact]
    public async Task A_vault_the_server_lacks_is_refused()
    {
        var name = fixture.Unique("no-hsm");

        var run = await fixture.Admin.RunAsync("signer", "create", "--name", name, "--algorithm", "ec-p256", "--key-vault", "pkcs11");

        Refusal.Assert(run, "KEY_VAULT_NOT_CONFIGURED");
        Assert.Equal(1, (await fixture.Admin.RunAsync("signer", "show", name)).ExitCode);
    }
}
