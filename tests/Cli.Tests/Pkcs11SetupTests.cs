using System.Text.Json.Nodes;
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
        // Timestamped by the server's own TSA unless --tsa-url names another (docs/tsa.md).
        Assert.Contains($"-storepass none -sigalg SHA256withRSA -tsa {fixture.ServerUrl.TrimEnd('/')}/tsa app.jar {ServerFixture.RsaSigner}", output, StringComparison.Ordinal);
        Assert.Contains("openssl dgst -sha256 -engine pkcs11", output, StringComparison.Ordinal);
    }

    /// <summary>A command for every tool of docs/clients/, each naming this Signer, module and files.</summary>
    [Fact]
    public async Task Setup_prints_a_command_for_every_tool()
    {
        var module = _dir.File("libcodesign-pkcs11.so");
        var target = _dir.File("p11");
        const string Signer = ServerFixture.RsaSigner;

        const string Tsa = "http://127.0.0.1:8080/tsa";
        var output = await fixture.Admin.OkAsync("pkcs11", "setup", "--signer", Signer, "--dir", target, "--module", module, "--tsa-url", Tsa);

        var uri = $"'pkcs11:token={Signer};object={Signer};type=private'";
        string[] expected =
        [
            $"apksigner -J-add-exports=jdk.crypto.cryptoki/sun.security.pkcs11=ALL-UNNAMED sign --provider-class sun.security.pkcs11.SunPKCS11 --provider-arg {target}/sunpkcs11.cfg --ks NONE --ks-type PKCS11 --ks-pass pass:none --ks-key-alias {Signer} --min-sdk-version 24 --out app-signed.apk app.apk",
            $"osslsigncode sign -pkcs11module {module} -key {uri} -certs {target}/chain.pem -h sha256 -ts {Tsa} -in app.exe -out app-signed.exe",
            $"osslsigncode verify -CAfile {target}/root.pem -TSA-CAfile {target}/root.pem -in app-signed.exe",
            $"-sigalg SHA256withRSA -tsa {Tsa} app.jar {Signer}",
            $"PKCS11_MODULE_PATH={module} sbsign --engine pkcs11 --key {uri} --cert {target}/chain.pem --addcert {target}/chain.pem --output app-signed.efi app.efi",
            $"sbverify --cert {target}/root.pem app-signed.efi",
            $"export GNUPGHOME={target}/gnupg",
            $"gpg --local-user {Signer} --detach-sign file",
            $"rpm --define '__gpg /usr/bin/gpg' --define '_gpg_name {Signer}' --define '_gpg_digest_algo sha256' --addsign package.rpm",
            $"debsigs --sign=origin --default-key={Signer} package.deb",
            $"pkcs11-tool --module /usr/lib/$(uname -m)-linux-gnu/p11-kit-proxy.so --token-label {Signer} --sign --mechanism SHA256-RSA-PKCS --label {Signer} --input-file file --output-file file.sig",
            $"/scripts/sign-file sha256 {uri} {target}/chain.pem module.ko",
        ];
        foreach (var line in expected)
        {
            Assert.Contains(line, output, StringComparison.Ordinal);
        }

        Assert.Contains("skopeo copy --sign-by", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Setup_for_an_ec_signer_says_gnupg_pkcs11_scd_offers_rsa_keys_only()
    {
        var output = await fixture.Admin.OkAsync("pkcs11", "setup", "--signer", ServerFixture.EcSigner, "--dir", _dir.File("ec"), "--module", _dir.File("m.so"));

        Assert.Contains("gnupg-pkcs11-scd 0.10 offers RSA keys only", output, StringComparison.Ordinal);
        Assert.DoesNotContain("gpg --local-user", output, StringComparison.Ordinal);
        Assert.Contains("--mechanism ECDSA-SHA256 --signature-format openssl", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tool_writes_the_gpg_openssl_and_p11_kit_files()
    {
        var module = _dir.File("libcodesign-pkcs11.so");
        var target = _dir.File("p11");
        var configHome = _dir.File("config");

        await fixture.Admin.With("XDG_CONFIG_HOME", configHome)
            .OkAsync("pkcs11", "setup", "--signer", ServerFixture.RsaSigner, "--dir", target, "--module", module, "--tool", "gpg", "--tool", "openssl", "--p11-kit");

        var gnupg = Path.Combine(target, "gnupg");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(gnupg));
        }

        Assert.Matches("^scdaemon-program /.*/gnupg-pkcs11-scd\n$", await File.ReadAllTextAsync(Path.Combine(gnupg, "gpg-agent.conf")));
        Assert.Equal($"providers p1\nprovider-p1-library {module}\n", await File.ReadAllTextAsync(Path.Combine(gnupg, "gnupg-pkcs11-scd.conf")));
        Assert.Contains("personal-digest-preferences SHA256", await File.ReadAllTextAsync(Path.Combine(gnupg, "gpg.conf")), StringComparison.Ordinal);
        var openssl = await File.ReadAllTextAsync(Path.Combine(target, "openssl.cnf"));
        Assert.Contains($"engine_id = pkcs11\nMODULE_PATH = {module}\n", openssl, StringComparison.Ordinal);
        Assert.Equal($"module: {module}\nx-init-reserved: {target}/pkcs11.json\n",
            await File.ReadAllTextAsync(Path.Combine(configHome, "pkcs11", "modules", $"codesign-{ServerFixture.RsaSigner}.module")));
    }

    [Theory]
    [InlineData("--tool", "signtool", "unknown --tool signtool (one of: gpg, openssl, p11-kit)")]
    [InlineData("--tsa-url", "ftp://tsa\u001b[2J", "--tsa-url must be an http or https URL, not ftp://tsa\\x1b[2J")]
    public async Task A_bad_tool_or_tsa_url_is_a_usage_error_and_writes_nothing(string option, string value, string message)
    {
        var target = _dir.File("refused");

        var run = await fixture.Admin.RunAsync("pkcs11", "setup", "--signer", ServerFixture.RsaSigner, "--dir", target, "--module", _dir.File("m.so"), option, value);

        Assert.Equal(ExitCode.Usage, run.ExitCode);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(target));
    }

    /// <summary>The printed openssl and apksigner lines, run as printed in a shell, sign with the published module.</summary>
    [Fact]
    public async Task The_printed_openssl_and_apksigner_commands_sign()
    {
        var target = _dir.File("p11");
        var output = await fixture.Admin.OkAsync("pkcs11", "setup", "--signer", ServerFixture.RsaSigner, "--dir", target, "--module", PublishedModule, "--tool", "openssl");
        await File.WriteAllTextAsync(_dir.File("file"), "signed through the printed command");
        await File.WriteAllTextAsync(_dir.File("AndroidManifest.xml"), "<manifest xmlns:android=\"http://schemas.android.com/apk/res/android\" package=\"com.example.setup\"/>");
        var (exitCode, log) = await ExternalTool.RunAsync("aapt", "package", "-f", "-M", _dir.File("AndroidManifest.xml"), "-F", _dir.File("app.apk"));
        Assert.True(exitCode == 0, log);

        var openssl = PrintedLine(output, "PKCS11_MODULE_PATH=");
        // As printed, and with the engine section --tool openssl wrote instead of the variable.
        foreach (var line in new[] { openssl, openssl.Replace($"PKCS11_MODULE_PATH={PublishedModule}", $"OPENSSL_CONF={target}/openssl.cnf", StringComparison.Ordinal) })
        {
            File.Delete(_dir.File("file.sig"));
            await RunAsync(line, target);
            await AssertFileSignedByLeafAsync(target);
        }

        await RunAsync(PrintedLine(output, "apksigner -J"), target);
        var verification = await RunAsync(PrintedLine(output, "apksigner verify"), target);
        Assert.Contains("Verified using v1 scheme (JAR signing): true", verification, StringComparison.Ordinal);
        Assert.Contains("Verified using v2 scheme (APK Signature Scheme v2): true", verification, StringComparison.Ordinal);
    }

    /// <summary>
    /// The p11-kit module file lets pkcs11-tool sign through p11-kit-proxy.so with the printed line.
    /// p11-kit reads no per-user module file for root: as root the line runs as nobody, who owns
    /// the files (and copies of the module and of the server's CA file).
    /// </summary>
    [Fact]
    public async Task The_printed_p11_kit_command_signs_through_p11_kit_proxy_as_an_unprivileged_user()
    {
        var target = _dir.File("p11");
        var configHome = _dir.File("config");
        // The checkout may sit where nobody cannot read (/root): the user gets a copy of the module.
        var module = _dir.File("libcodesign-pkcs11.so");
        File.Copy(PublishedModule, module);
        var output = await fixture.Admin.With("XDG_CONFIG_HOME", configHome)
            .OkAsync("pkcs11", "setup", "--signer", ServerFixture.RsaSigner, "--dir", target, "--module", module, "--p11-kit");
        var config = Path.Combine(target, "pkcs11.json");
        var document = JsonNode.Parse(await File.ReadAllTextAsync(config))!;
        File.Copy(fixture.CaFile, Path.Combine(target, "tls.pem"));
        document["tls_ca_file"] = Path.Combine(target, "tls.pem");
        await File.WriteAllTextAsync(config, document.ToJsonString());
        await File.WriteAllTextAsync(_dir.File("file"), "signed through p11-kit-proxy");
        var line = PrintedLine(output, "pkcs11-tool --module /usr/lib/$(uname -m)-linux-gnu/p11-kit-proxy.so");
        var command = $"cd '{_dir.Path}' && XDG_CONFIG_HOME='{configHome}' HOME='{_dir.Path}' {line}";

        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            var (chown, chownLog) = await ExternalTool.RunAsync("chown", "-R", "nobody", _dir.Path);
            Assert.True(chown == 0, chownLog);
        }

        var (exitCode, log) = asRoot
            ? await ExternalTool.RunAsync("runuser", "-u", "nobody", "--", "bash", "-c", command)
            : await ExternalTool.RunAsync("bash", "-c", command);
        Assert.True(exitCode == 0, $"{line}\n{log}");
        await AssertFileSignedByLeafAsync(target);
    }

    /// <summary>file.sig is an RSA SHA-256 signature over file by the leaf of target/chain.pem.</summary>
    private async Task AssertFileSignedByLeafAsync(string target)
    {
        var (exitCode, log) = await ExternalTool.RunAsync("openssl", "x509", "-in", Path.Combine(target, "chain.pem"), "-pubkey", "-noout", "-out", _dir.File("key.pem"));
        Assert.True(exitCode == 0, log);
        (exitCode, log) = await ExternalTool.RunAsync("openssl", "dgst", "-sha256", "-verify", _dir.File("key.pem"), "-signature", _dir.File("file.sig"), _dir.File("file"));
        Assert.True(exitCode == 0, log);
    }

    private static string PrintedLine(string output, string prefix) =>
        output.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>Runs a printed LINE in bash, in the test directory, with the written configuration, and insists on success.</summary>
    private async Task<string> RunAsync(string line, string target)
    {
        var environment = new Dictionary<string, string> { ["CODESIGN_PKCS11_CONFIG"] = Path.Combine(target, "pkcs11.json") };
        var (exitCode, log) = await ExternalTool.RunAsync(environment, "bash", "-c", $"cd '{_dir.Path}' && {line}");
        Assert.True(exitCode == 0, $"{line}\n{log}");
        return log;
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
