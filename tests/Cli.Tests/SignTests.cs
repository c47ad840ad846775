using System.Security.Cryptography;

namespace CodeSigning.Cli.Tests;

/// <summary>csign sign against the real server, each signature checked by openssl with the Signer's certificate.</summary>
[Collection(ServerCollection.Name)]
public sealed class SignTests(ServerFixture fixture) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(ServerFixture.EcSigner, new string[0], new string[0])]
    [InlineData(ServerFixture.RsaSigner, new string[0], new string[0])]
    [InlineData(ServerFixture.RsaSigner, new[] { "--scheme", "rsa-pss" }, new[] { "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:digest" })]
    [InlineData(ServerFixture.RsaSigner, new[] { "--digest", "sha512" }, new[] { "-sha512" })]
    public async Task Detached_signatures_verify_with_openssl(string signer, string[] options, string[] opensslOptions)
    {
        var data = _dir.File("release.tar");
        await File.WriteAllBytesAsync(data, RandomNumberGenerator.GetBytes(100_000));

        var output = await fixture.Admin.OkAsync(["sign", "--signer", signer, "--in", data, .. options]);

        Assert.Contains($"signature:   {data}.sig", output, StringComparison.Ordinal);
        Assert.Matches("audit event: +\\S+", output);
        await AssertOpenSslVerifiesAsync(signer, data, data + ".sig", opensslOptions);
    }

    [Fact]
    public async Task Digest_only_signs_a_digest_computed_elsewhere()
    {
        var data = _dir.File("big.iso");
        await File.WriteAllBytesAsync(data, RandomNumberGenerator.GetBytes(50_000));
        // What sha256sum prints: hex, two spaces, the file name.
        await File.WriteAllTextAsync(_dir.File("digest.txt"), Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(data))) + "  big.iso\n");

        await fixture.Admin.OkAsync("sign", "--signer", ServerFixture.EcSigner, "--in", _dir.File("digest.txt"), "--digest-only", "--out", _dir.File("big.sig"));

        await AssertOpenSslVerifiesAsync(ServerFixture.EcSigner, data, _dir.File("big.sig"), []);
    }

    [Fact]
    public async Task A_digest_of_the_wrong_length_is_a_usage_error_and_nothing_is_signed()
    {
        await File.WriteAllTextAsync(_dir.File("digest.txt"), "abcd");

        var run = await fixture.Admin.RunAsync("sign", "--signer", ServerFixture.EcSigner, "--in", _dir.File("digest.txt"), "--digest-only");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"csign: {_dir.File("digest.txt")} holds no sha256 digest (32 bytes, or 64 hex digits){Environment.NewLine}", run.Error);
        Assert.False(File.Exists(_dir.File("digest.txt.sig")));
    }

    [Fact]
    public async Task A_scheme_that_does_not_fit_the_key_is_refused()
    {
        await File.WriteAllTextAsync(_dir.File("data"), "x");

        Refusal.Assert(await fixture.Admin.RunAsync("sign", "--signer", ServerFixture.EcSigner, "--in", _dir.File("data"), "--scheme", "rsa-pss"), "ALGORITHM_NOT_SUPPORTED");
        Assert.False(File.Exists(_dir.File("data.sig")));
    }

    [Fact]
    public async Task Non_members_and_auditors_cannot_sign()
    {
        var (user, csign) = await fixture.NewUserAsync("outsider");
        await File.WriteAllTextAsync(_dir.File("data"), "x");

        Refusal.Assert(await csign.RunAsync("sign", "--signer", ServerFixture.EcSigner, "--in", _dir.File("data")), "SIGNER_NOT_FOUND");

        await fixture.Admin.OkAsync("member", "set", ServerFixture.EcSigner, user, "--role", "auditor");
        Refusal.Assert(await csign.RunAsync("sign", "--signer", ServerFixture.EcSigner, "--in", _dir.File("data")), "ROLE_FORBIDS");
        Assert.False(File.Exists(_dir.File("data.sig")));
    }

    /// <summary>openssl, given only the public key from the Signer's certificate, accepts the signature.</summary>
    private async Task AssertOpenSslVerifiesAsync(string signer, string data, string signature, string[] options)
    {
        await fixture.Admin.OkAsync("signer", "export-chain", signer, "--out", _dir.File("chain.pem"));
        var (exitCode, output) = await ExternalTool.RunAsync("openssl", "x509", "-in", _dir.File("chain.pem"), "-pubkey", "-noout", "-out", _dir.File("key.pem"));
        Assert.True(exitCode == 0, output);
        var digest = options.FirstOrDefault(o => o.StartsWith("-sha", StringComparison.Ordinal)) ?? "-sha256";
        (exitCode, output) = await ExternalTool.RunAsync("openssl", ["dgst", digest, "-verify", _dir.File("key.pem"), "-signature", signature,
            .. options.Where(o => o != digest), data]);
        Assert.True(exitCode == 0, output);
        Assert.Contains("Verified OK", output, StringComparison.Ordinal);
    }
}
