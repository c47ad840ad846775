using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CodeSigning.Cli.Tests;

[Collection(ServerCollection.Name)]
public sealed class SignerTests(ServerFixture fixture)
{
    [Fact]
    public async Task Create_by_flags_sets_members_and_policy_and_list_and_show_report_them()
    {
        var (alice, _) = await fixture.NewUserAsync("alice");
        var (bob, _) = await fixture.NewUserAsync("bob");
        var name = fixture.Unique("flags");

        var created = await fixture.Admin.OkAsync("signer", "create", "--name", name, "--algorithm", "ec-p256", "--subject", $"CN={name}, O=Tests",
            "--admin", "user:admin", "--operator", alice, "--approver", $"user:{bob}", "--approvals-required", "1");

        Assert.Contains($"name:        {name}", created, StringComparison.Ordinal);
        Assert.Contains("approval:    required", created, StringComparison.Ordinal);
        Assert.Contains($"CN={name}, O=Tests", created, StringComparison.Ordinal);
        var members = await fixture.Admin.OkAsync("member", "list", name);
        Assert.Matches($"user:{alice} +operator", members);
        Assert.Matches("user:admin +administrator", members);
        Assert.Contains($"user:{bob}", await fixture.Admin.OkAsync("policy", "show", name), StringComparison.Ordinal);
        var row = (await fixture.Admin.OkAsync("signer", "list")).Split('\n').Single(l => l.StartsWith(name + " ", StringComparison.Ordinal));
        Assert.Matches($"^{name} +ec-p256 +internal +yes +required +administrator +\\d{{4}}-\\d\\d-\\d\\d", row);
    }

    [Fact]
    public async Task Create_interactively_asks_the_four_steps()
    {
        var (carol, _) = await fixture.NewUserAsync("carol");
        var name = fixture.Unique("prompted");
        var answers = string.Join('\n', name, "ec-p256", "internal", "", "30d", "", carol, "", "", "") + "\n";

        var run = await fixture.Admin.RunWithInputAsync(answers, "signer", "create", "--interactive");

        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (var step in new[] { "Step 1 of 4", "Step 2 of 4", "Step 3 of 4", "Step 4 of 4" })
        {
            Assert.Contains(step, run.Error, StringComparison.Ordinal);
        }

        Assert.Contains("approval:    not required", run.Out, StringComparison.Ordinal);
        var members = await fixture.Admin.OkAsync("member", "list", name);
        Assert.Matches($"user:{carol} +operator", members);
        Assert.Matches("user:admin +administrator", members);
    }

    [Fact]
    public async Task A_taken_name_is_refused_and_the_existing_signer_is_unchanged()
    {
        var before = await fixture.Admin.OkAsync("signer", "show", ServerFixture.EcSigner, "--json");

        var run = await fixture.Admin.RunAsync("signer", "create", "--name", ServerFixture.EcSigner, "--algorithm", "ec-p384");

        Refusal.Assert(run, "NAME_TAKEN");
        Assert.Equal(before, await fixture.Admin.OkAsync("signer", "show", ServerFixture.EcSigner, "--json"));
    }

    [Fact]
    public async Task Unknown_signers_are_reported_as_such()
    {
        Refusal.Assert(await fixture.Admin.RunAsync("signer", "show", "no-such-signer"), "SIGNER_NOT_FOUND");
    }

    [Fact]
    public async Task Only_a_product_admin_creates_signers()
    {
        var (_, user) = await fixture.NewUserAsync("dave");
        var name = fixture.Unique("forbidden");

        Refusal.Assert(await user.RunAsync("signer", "create", "--name", name, "--algorithm", "ec-p256"), "PRODUCT_ADMIN_REQUIRED");
        Refusal.Assert(await fixture.Admin.RunAsync("signer", "show", name), "SIGNER_NOT_FOUND");
    }

    [Fact]
    public async Task Disable_stops_signing_and_enable_resumes_it()
    {
        var name = await fixture.NewSignerAsync("toggle");
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.File("a.txt"), "payload");

        Assert.Contains("signing disabled", await fixture.Admin.OkAsync("signer", "disable", name), StringComparison.Ordinal);
        var refused = await fixture.Admin.RunAsync("sign", "--signer", name, "--in", dir.File("a.txt"));
        Refusal.Assert(refused, "SIGNER_DISABLED");
        Assert.Contains("csign signer enable", refused.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("a.txt.sig")));

        await fixture.Admin.OkAsync("signer", "enable", name);
        await fixture.Admin.OkAsync("sign", "--signer", name, "--in", dir.File("a.txt"));
        Assert.True(File.Exists(dir.File("a.txt.sig")));
    }

    [Fact]
    public async Task Export_chain_writes_the_pem_chain_leaf_first_to_the_root()
    {
        using var dir = new TempDirectory();

        await fixture.Admin.OkAsync("signer", "export-chain", ServerFixture.EcSigner, "--out", dir.File("chain.pem"));

        var chain = new X509Certificate2Collection();
        chain.ImportFromPemFile(dir.File("chain.pem"));
        Assert.True(chain.Count >= 2);
        Assert.Equal($"CN={ServerFixture.EcSigner}", chain[0].Subject);
        Assert.Equal(chain[^1].Subject, chain[^1].Issuer);
        Assert.Equal(chain[1].Subject, chain[0].Issuer);
    }

    [Fact]
    public async Task Every_member_exports_the_public_chain_and_an_outsider_hears_it_does_not_exist()
    {
        var (user, csign) = await fixture.NewUserAsync("auditor");
        await fixture.Admin.OkAsync("member", "set", ServerFixture.EcSigner, user, "--role", "auditor");

        var pem = await csign.OkAsync("signer", "export-chain", ServerFixture.EcSigner);

        Assert.Equal(await fixture.Admin.OkAsync("signer", "export-chain", ServerFixture.EcSigner), pem);
        var shown = ServerFixture.Json(await csign.OkAsync("signer", "show", ServerFixture.EcSigner, "--json")).GetProperty("certificateChain");
        var first = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(pem);
        Assert.Equal(Convert.ToBase64String(first.RawData), shown[0].GetString());
        var (_, outsider) = await fixture.NewUserAsync("outsider");
        Refusal.Assert(await outsider.RunAsync("signer", "export-chain", ServerFixture.EcSigner), "SIGNER_NOT_FOUND");
    }

    [Fact]
    public async Task External_ca_gives_a_csr_signs_only_after_import_and_refuses_a_foreign_certificate()
    {
        using var dir = new TempDirectory();
        var name = await fixture.NewSignerAsync("external", "--ca", "external", "--csr-out", dir.File("req.csr"));
        await File.WriteAllTextAsync(dir.File("data"), "x");
        Refusal.Assert(await fixture.Admin.RunAsync("sign", "--signer", name, "--in", dir.File("data")), "CERTIFICATE_MISSING");

        using var ca = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Test External CA", ca, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var caCertificate = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(2));

        // A certificate for some other key: refused, and the Signer still has none.
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await File.WriteAllTextAsync(dir.File("foreign.pem"), Issue(new CertificateRequest($"CN={name}", stranger, HashAlgorithmName.SHA256), caCertificate).ExportCertificatePem());
        Refusal.Assert(await fixture.Admin.RunAsync("signer", "import-cert", name, "--cert", dir.File("foreign.pem")), "CERTIFICATE_MISMATCH");
        Refusal.Assert(await fixture.Admin.RunAsync("sign", "--signer", name, "--in", dir.File("data")), "CERTIFICATE_MISSING");

        var csr = CertificateRequest.LoadSigningRequestPem(await File.ReadAllTextAsync(dir.File("req.csr")), HashAlgorithmName.SHA256, CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
        await File.WriteAllTextAsync(dir.File("leaf.pem"), Issue(csr, caCertificate).ExportCertificatePem());
        await File.WriteAllTextAsync(dir.File("ca.pem"), caCertificate.ExportCertificatePem());

        var imported = await fixture.Admin.OkAsync("signer", "import-cert", name, "--cert", dir.File("leaf.pem"), "--chain", dir.File("ca.pem"));

        Assert.Contains("CN=Test External CA", imported, StringComparison.Ordinal);
        await fixture.Admin.OkAsync("sign", "--signer", name, "--in", dir.File("data"));
    }

    [Fact]
    public async Task Renew_issues_a_new_certificate_for_the_same_key()
    {
        var name = await fixture.NewSignerAsync("renew");
        var before = ServerFixture.Json(await fixture.Admin.OkAsync("signer", "show", name, "--json"));

        var after = ServerFixture.Json(await fixture.Admin.OkAsync("signer", "renew", name, "--validity", "30d", "--json"));

        Assert.Equal(before.GetProperty("publicKey").GetString(), after.GetProperty("publicKey").GetString());
        Assert.NotEqual(before.GetProperty("certificateChain")[0].GetString(), after.GetProperty("certificateChain")[0].GetString());
    }

    private static X509Certificate2 Issue(CertificateRequest request, X509Certificate2 issuer)
    {
        // A CSR from the server already asks for these; a hand-made request gets them here.
        if (!request.CertificateExtensions.OfType<X509KeyUsageExtension>().Any())
        {
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        }

        if (!request.CertificateExtensions.OfType<X509EnhancedKeyUsageExtension>().Any())
        {
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.3")], false));
        }

        return request.Create(issuer, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(1), RandomNumberGenerator.GetBytes(12));
    }
}
