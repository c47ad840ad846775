using CodeSigning.Tests.Shared;

namespace CodeSigning.Cli.Tests;

[Collection(ServerCollection.Name)]
public sealed class Pkcs11SetupTests(ServerFixture fixture) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Setup_writes_the_module_and_sunpkcs11_configuration_and_prints_every_tool()
    {
        var module = _dir.File("libcodesign-pkcs11.so");
        var target = _dir.File("p11");

        var output = await fixture.Admin.OkAsync("pkcs11", "setup", "--signer", ServerFixture.RsaSigner, "--dir", target, "--module", module);

        var config = ServerFixture.Json(await File.ReadAllTextAsync(Path.Combine(target, "pkcs11.json")));
        OwnerOnly.AssertMode(Path.Combine(target, "pkcs11.json"));
        Assert.Equal(fixture.ServerUrl, config.GetProperty("servers")[0].GetString());
        Assert.Equal(fixture.CaFile, config.GetProperty("tls_ca_file").GetString());
        Assert.Equal(fixture.Server.AdminApiKey, config.GetProperty("auth").GetProperty("api_key").GetString());
        Assert.Equal(ServerFixture.RsaSigner, Assert.Single(config.GetProperty("signers").EnumerateArray()).GetString());

        var sun = await File.ReadAllTextAsync(Path.Combine(target, "sunpkcs11.cfg"));
        Assert.Contains($"library = {module}", sun, StringComparison.Ordinal);
        Assert.Contains("slotListIndex = 0", sun, StringComparison.Ordinal);
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", await File.ReadAllTextAsync(Path.Combine(target, "chain.pem")), StringComparison.Ordinal);

        Assert.Contains($"export CODESIGN_PKCS11_CONFIG={target}/pkcs11.json", output, StringComparison.Ordinal);
        Assert.Contains($"-storepass none -sigalg SHA256withRSA app.jar {ServerFixture.RsaSigner}", output, StringComparison.Ordinal);
        Assert.Contains($"apksigner -J-add-opens=jdk.crypto.cryptoki/sun.security.pkcs11=ALL-UNNAMED sign", output, StringComparison.Ordinal);
        Assert.Contains($"--ks-key-alias {ServerFixture.RsaSigner} app.apk", output, StringComparison.Ordinal);
        Assert.Contains($"-key 'pkcs11:token={ServerFixture.RsaSigner};object={ServerFixture.RsaSigner};type=private'", output, StringComparison.Ordinal);
        Assert.Contains("openssl dgst -sha256 -engine pkcs11", output, StringComparison.Ordinal);
    }

    /// <summary>The written configuration works as is: the published module, driven by pkcs11-tool, signs with it.</summary>
    [Fact]
    public async Task The_published_module_signs_with_the_written_configuration()
    {
        var target = _dir.File("p11");
        await fixture.Admin.OkAsync("pkcs11", "setup", "--signer", ServerFixture.RsaSigner, "--dir", target, "--module", PublishedModule);
        await File.WriteAllTextAsync(_dir.File("data"), "signed through the module");
        var environment = new Dictionary<string, string> { ["CODESIGN_PKCS11_CONFIG"] = Path.Combine(target, "pkcs11.json") };

        var (exitCode, output) = await ExternalTool.RunAsync(environment, "pkcs11-tool", "--module", PublishedModule, "--sign", "--mechanism", "SHA256-RSA-PKCS",
            "--label", ServerFixture.RsaSigner, "--input-file", _dir.File("data"), "--output-file", _dir.File("data.sig"));
        Assert.True(exitCode == 0, output);

        (exitCode, output) = await ExternalTool.RunAsync("openssl", "x509", "-in", Path.Combine(target, "chain.pem"), "-pubkey", "-noout", "-out", _dir.File("key.pem"));
        Assert.True(exitCode == 0, output);
        (exitCode, output) = await ExternalTool.RunAsync("openssl", "dgst", "-sha256", "-verify", _dir.File("key.pem"), "-signature", _dir.File("data.sig"), _dir.File("data"));
        Assert.True(exitCode == 0, output);
    }

    [Fact]
    public async Task Setup_for_an_unknown_signer_writes_nothing()
    {
        var target = _dir.File("none");

        Refusal.Assert(await fixture.Admin.RunAsync("pkcs11", "setup", "--signer", "no-such-signer", "--dir", target, "--module", _dir.File("m.so")), "SIGNER_NOT_FOUND");

        Assert.False(Directory.Exists(target));
    }

    /// <summary>The module build.sh publishes: <c>CODESIGN_PKCS11_MODULE</c>, else artifacts/native/RID in the repository.</summary>
    internal static string PublishedModule =>
        Environment.GetEnvironmentVariable("CODESIGN_PKCS11_MODULE") is { Length: > 0 } path
            ? path
            : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(ServerProcess.BinaryPath)!, "..", "native", System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier, "libcodesign-pkcs11.so"));
}
