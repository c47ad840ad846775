using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CodeSigning.Tests.Shared;
using CodeSigning.V1;
using Net.Pkcs11Interop.Common;

namespace CodeSigning.WebConsole.Tests;

/// <summary>The web console in headless Chromium against the published server, and the published PKCS#11 module signing through it.</summary>
public sealed class ConsoleTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    /// <summary>Markup, a line break (a textarea submits it as CR LF) and a bidi override: what a browser lets a person type.</summary>
    private const string Hostile = "release <script>document.title='pwned'</script>\nnext line \u202eright to left";

    private Browser Browser => fixture.Browser;

    [Fact]
    public async Task Admin_creates_a_Signer_in_the_wizard_and_an_approved_request_lets_the_module_sign()
    {
        const string signer = "console-p256";
        // An admin signs in with the bootstrap key and creates the Signer through the wizard.
        Browser.SignIn(fixture.Keys["admin"]);
        Assert.Contains("Welcome, admin", Browser.Find("h1").Text, StringComparison.Ordinal);
        Browser.Open("/console/signers");
        Browser.ClickAndLoad("#new-signer");
        Browser.Type("#name", signer);
        Browser.Type("#description", "release builds");
        Browser.Screenshot("wizard-details");
        Browser.ClickAndLoad("#next");
        Browser.Select("#algorithm", nameof(KeyAlgorithm.EcP256));
        Browser.Find("#ca-internal").Click();
        Browser.Screenshot("wizard-key-and-ca");
        Browser.ClickAndLoad("#create");
        Assert.EndsWith($"/console/signers/{signer}/setup/members", Browser.Driver.Url, StringComparison.Ordinal);
        AddMember("olivia", Role.Operator);
        AddMember("april", Role.Auditor);
        AddMember("audrey", Role.Auditor);
        Browser.Screenshot("wizard-members");
        Browser.ClickAndLoad("#next");
        Browser.Type("#approvers", "april");
        Browser.Type("#approvals-required", "1");
        Browser.ClickAndLoad("#save-policy");
        Assert.Contains("1 approval(s) from user april", Browser.Find("#policy-summary").Text, StringComparison.Ordinal);
        Browser.Screenshot("wizard-policy");
        Browser.ClickAndLoad("#finish");
        Assert.Contains("csign pkcs11 setup --signer console-p256", Browser.Find("#setup-command").Text, StringComparison.Ordinal);
        Assert.Contains("jarsigner -keystore NONE", Browser.Find("#tool-commands").Text, StringComparison.Ordinal);
        Browser.Screenshot("signer");

        // The Operator's signature through the module is refused until a request is approved.
        var directory = Directory.CreateTempSubdirectory("console-module-");
        var data = "console release"u8.ToArray();
        using var module = Module.Load(fixture.Server, fixture.Keys["olivia"], directory.FullName);
        Assert.Equal(CKR.CKR_FUNCTION_REJECTED, Assert.Throws<Pkcs11Exception>(() => Module.Sign(module, signer, data)).RV);

        // The Operator files the request in the console: its hostile justification shows as text.
        Browser.SignIn(fixture.Keys["olivia"]);
        Browser.Open("/console/approvals");
        Browser.Select("#request-signer", signer);
        Browser.Type("#justification", Hostile);
        Browser.Type("#count", "1");
        Browser.ClickAndLoad("#submit-request");
        var mine = Browser.Find("#my-requests article.request");
        Assert.Equal("STATE_PENDING".Replace("STATE_", "SIGNING_REQUEST_STATE_", StringComparison.Ordinal), mine.GetAttribute("data-state"));
        Assert.Equal("0 of 1", mine.FindElement(OpenQA.Selenium.By.CssSelector(".progress")).Text);
        AssertShownAsText(mine);
        Browser.Screenshot("my-requests");

        // The approver decides it in the inbox (htmx swaps the card in place).
        Browser.SignIn(fixture.Keys["april"]);
        Assert.Equal("1 signing request(s)", Browser.Find("#inbox-count a").Text);
        Browser.Screenshot("home");
        Browser.Open("/console/approvals");
        var card = Browser.Find("#inbox article.request");
        AssertShownAsText(card);
        card.FindElement(OpenQA.Selenium.By.Name("comment")).SendKeys("ship it");
        Browser.Screenshot("inbox");
        card.FindElement(OpenQA.Selenium.By.CssSelector("button.approve")).Click();
        Browser.Until(() => Browser.FindAll("#inbox article.request").FirstOrDefault()?.GetAttribute("data-state") == "SIGNING_REQUEST_STATE_APPROVED");
        Assert.Contains("1 of 1", Browser.Find("#inbox article.request .progress").Text, StringComparison.Ordinal);

        // Now the module signs, and the signature verifies with the Signer's certificate.
        var signature = Module.Sign(module, signer, data);
        using (var admin = fixture.Admin())
        {
            var chain = await new SignerService.SignerServiceClient(admin).GetSignerAsync(new GetSignerRequest { Signer = signer });
            using var certificate = X509CertificateLoader.LoadCertificate(chain.CertificateChain[0].ToByteArray());
            Assert.True(certificate.GetECDsaPublicKey()!.VerifyData(data, signature, HashAlgorithmName.SHA256));
        }

        // The activity page shows all of it, the console's actions named as such.
        Browser.Open($"/console/signers/{signer}/activity");
        var rows = Browser.FindAll("#events tr.event").Select(r => (Type: r.GetAttribute("data-type"), Outcome: r.GetAttribute("data-outcome"), Text: r.Text)).ToList();
        Assert.Contains(rows, r => r.Type == "signer.created" && r.Text.Contains("console", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Type == "policy.set");
        Assert.Contains(rows, r => r.Type == "signature.denied" && r.Outcome == "AUDIT_OUTCOME_DENIED");
        Assert.Contains(rows, r => r.Type == "request.created" && r.Text.Contains("olivia", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Type == "request.approved" && r.Text.Contains("april", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Type == "signature.created" && r.Outcome == "AUDIT_OUTCOME_SUCCESS");
        Browser.Screenshot("activity");
        Browser.Type("#filter-type", "signature.");
        Browser.ClickAndLoad("#apply-filters");
        Assert.All(Browser.FindAll("#events tr.event"), r => Assert.StartsWith("signature.", r.GetAttribute("data-type"), StringComparison.Ordinal));

        // The exports hold every matching event: CSV with its header, and one JSON object a line.
        using var session = await ConsoleSession.SignInAsync(fixture.Server, fixture.Keys["april"]);
        using var csv = await session.GetAsync($"/console/signers/{signer}/activity?handler=Export&format=csv&type=request.");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        var csvLines = (await csv.Content.ReadAsStringAsync()).TrimEnd('\n').Split('\n');
        Assert.StartsWith("sequence,time,type,outcome", csvLines[0], StringComparison.Ordinal);
        Assert.Contains(csvLines, l => l.Contains(",request.created,AUDIT_OUTCOME_SUCCESS,", StringComparison.Ordinal));
        Assert.DoesNotContain(csvLines, l => l.Contains("signature.", StringComparison.Ordinal));
        using var jsonl = await session.GetAsync($"/console/signers/{signer}/activity?handler=Export&format=jsonl");
        var objects = (await jsonl.Content.ReadAsStringAsync()).TrimEnd('\n').Split('\n').Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).ToList();
        Assert.Contains(objects, o => o.GetProperty("type").GetString() == "request.approved" && o.GetProperty("actor").GetProperty("name").GetString() == "april");
        Assert.Contains(objects, o => o.GetProperty("type").GetString() == "signature.created");

        var events = await fixture.EventsAsync(signer);
        Assert.All(events.Where(e => e.Type is "signer.created" or "member.set" or "policy.set" or "request.created" or "request.approved"),
            e => Assert.Equal("console", e.Client.Client));
        module.Dispose();
        directory.Delete(recursive: true);
    }

    [Fact]
    public async Task The_wizard_makes_an_external_CA_Signer_whose_CSR_is_downloaded_and_certificate_imported()
    {
        const string signer = "external-ca";
        Browser.SignIn(fixture.Keys["admin"]);
        Browser.Open("/console/signers/new");
        Browser.Type("#name", signer);
        Browser.ClickAndLoad("#next");
        Browser.Select("#algorithm", nameof(KeyAlgorithm.EcP256));
        Browser.Find("#ca-external").Click();
        Browser.ClickAndLoad("#create");
        Assert.EndsWith($"/console/signers/{signer}/setup/certificate", Browser.Driver.Url, StringComparison.Ordinal);
        Assert.True(Browser.Has("#csr-pending"));
        Assert.False(Browser.Has("#chain"));

        using var session = await ConsoleSession.SignInAsync(fixture.Server, fixture.Keys["admin"]);
        using var download = await session.GetAsync($"/console/signers/{signer}/setup/certificate?handler=Csr");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        var request = CertificateRequest.LoadSigningRequestPem(await download.Content.ReadAsStringAsync(), HashAlgorithmName.SHA256);
        Assert.Equal($"CN={signer}", request.SubjectName.Name);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Test External CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(5));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.3")], false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        using var leaf = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30), [1, 2, 3, 4]);

        Browser.Type("#certificate-pem", leaf.ExportCertificatePem() + "\n" + ca.ExportCertificatePem());
        Browser.ClickAndLoad("#import");

        Assert.Equal("certificate imported", Browser.Find("#notice").Text);
        Assert.Equal(2, Browser.FindAll("#chain tbody tr").Count);
        Assert.False(Browser.Has("#csr-pending"));
        using var admin = fixture.Admin();
        var imported = await new SignerService.SignerServiceClient(admin).GetSignerAsync(new GetSignerRequest { Signer = signer });
        Assert.Equal(leaf.RawData, imported.CertificateChain[0].ToByteArray());
        Assert.Contains(await fixture.EventsAsync(signer), e => e.Type == "certificate.imported" && e.Client.Client == "console");
    }

    [Fact]
    public async Task A_post_without_the_antiforgery_token_is_refused_with_400_and_changes_nothing()
    {
        var signer = await CreateSignerAsync("csrf-target");
        using var session = await ConsoleSession.SignInAsync(fixture.Server, fixture.Keys["admin"]);
        var before = (await fixture.EventsAsync(signer)).Count;

        using var response = await session.PostAsync($"/console/signers/{signer}?handler=Enabled", new() { ["enabled"] = "false" }, token: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var admin = fixture.Admin();
        Assert.True((await new SignerService.SignerServiceClient(admin).GetSignerAsync(new GetSignerRequest { Signer = signer })).Enabled);
        Assert.Equal(before, (await fixture.EventsAsync(signer)).Count);
        // The same post with the token goes through: the refusal was the token's.
        using var accepted = await session.PostAsync($"/console/signers/{signer}?handler=Enabled", new() { ["enabled"] = "false" }, await session.TokenAsync($"/console/signers/{signer}"));
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        Assert.False((await new SignerService.SignerServiceClient(admin).GetSignerAsync(new GetSignerRequest { Signer = signer })).Enabled);
    }

    [Fact]
    public async Task An_Auditor_sees_no_sign_or_edit_controls_and_is_refused_and_audited_when_posting_anyway()
    {
        var signer = await CreateSignerAsync("audited", ("audrey", Role.Auditor));
        Browser.SignIn(fixture.Keys["audrey"]);
        Browser.Open($"/console/signers/{signer}");
        Assert.Equal("Auditor", Browser.Find("#my-role").Text);
        foreach (var control in new[] { "#toggle-enabled", "#add-member", "#policy-form", "#renew", "#preapprove", "#members select" })
        {
            Assert.False(Browser.Has(control), $"{control} is shown to an Auditor");
        }
        Browser.Open("/console/approvals");
        Assert.False(Browser.Has("#new-request"), "an Auditor is offered to request signatures");

        using var session = await ConsoleSession.SignInAsync(fixture.Server, fixture.Keys["audrey"]);
        var token = await session.TokenAsync($"/console/signers/{signer}");
        using var response = await session.PostAsync($"/console/signers/{signer}?handler=Enabled", new() { ["enabled"] = "false" }, token);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using var admin = fixture.Admin();
        Assert.True((await new SignerService.SignerServiceClient(admin).GetSignerAsync(new GetSignerRequest { Signer = signer })).Enabled);
        var denied = (await fixture.EventsAsync(signer)).Single(e => e.Type == "signer.disabled");
        Assert.Equal(AuditOutcome.Denied, denied.Outcome);
        Assert.Equal("ROLE_FORBIDS", denied.Reason);
        Assert.Equal("audrey", denied.Actor.Name);
        Assert.Equal("console", denied.Client.Client);
    }

    [Fact]
    public async Task A_justification_over_its_limit_is_refused_with_400_audited_and_files_nothing()
    {
        var signer = await CreateSignerAsync("limited", ("olivia", Role.Operator), ("april", Role.Auditor));
        using var admin = fixture.Admin();
        var approvals = new ApprovalService.ApprovalServiceClient(admin);
        await approvals.SetApprovalPolicyAsync(new SetApprovalPolicyRequest
        {
            Signer = signer,
            Policy = new ApprovalPolicy { Approvers = { new PrincipalRef { Kind = PrincipalKind.User, Name = "april" } }, ApprovalsRequired = 1 },
        });
        using var session = await ConsoleSession.SignInAsync(fixture.Server, fixture.Keys["olivia"]);
        var token = await session.TokenAsync("/console/approvals");

        using var response = await session.PostAsync("/console/approvals?handler=Create",
            new() { ["signer"] = signer, ["justification"] = new string('x', 4097), ["count"] = "1", ["windowMinutes"] = "60" }, token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty((await approvals.ListSigningRequestsAsync(new ListSigningRequestsRequest { Signer = signer })).Requests);
        var invalid = (await fixture.EventsAsync("")).Last(e => e.Type == "request.invalid");
        Assert.Equal("olivia", invalid.Actor.Name);
        Assert.Equal("console", invalid.Client.Client);
        Assert.Equal("justification", invalid.Details["field"]);
        Assert.Equal("4097", invalid.Details["length"]);
    }

    [Fact]
    public async Task The_session_ends_after_the_idle_timeout()
    {
        await using var server = await ServerProcess.StartAsync(serveArguments: ["--console-idle-timeout", "2"]);
        using var session = await ConsoleSession.SignInAsync(server, server.AdminApiKey);
        using (var active = await session.GetAsync("/console/signers"))
        {
            Assert.Equal(HttpStatusCode.OK, active.StatusCode);
        }

        await Task.Delay(TimeSpan.FromSeconds(3.5));

        using var idle = await session.GetAsync("/console/signers");
        Assert.Equal(HttpStatusCode.Redirect, idle.StatusCode);
        Assert.StartsWith("/console/sign-in", idle.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_key_ends_its_session_on_the_next_request()
    {
        using var admin = fixture.Admin();
        var identity = new IdentityService.IdentityServiceClient(admin);
        var created = await identity.CreateApiKeyAsync(new CreateApiKeyRequest { User = "olivia", Description = "revoked in a session" });
        using var session = await ConsoleSession.SignInAsync(fixture.Server, created.Secret);
        using (var before = await session.GetAsync("/console"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await identity.RevokeApiKeyAsync(new RevokeApiKeyRequest { ApiKeyId = created.ApiKey.Id });

        using var after = await session.GetAsync("/console");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/console/sign-in", after.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        // The dead session's cookie is deleted, not presented (and refused) again on every click.
        Assert.Contains(after.Headers.GetValues("Set-Cookie"), c => c.StartsWith("__Host-codesign-console=;", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_Product_Admin_creates_a_user_and_an_API_key_shown_once_that_signs_in()
    {
        Browser.SignIn(fixture.Keys["admin"]);
        Browser.Open("/console/admin/users");
        Browser.Type("#user-name", "carol");
        Browser.ClickAndLoad("#create-user");
        Assert.Contains("carol", Browser.Find("#users").Text, StringComparison.Ordinal);
        Browser.Screenshot("users");

        Browser.Open("/console/admin/api-keys");
        Browser.Type("#key-user", "carol");
        Browser.Type("#key-description", "laptop");
        Browser.ClickAndLoad("#create-key");
        var secret = Browser.Find("#new-key-secret").Text;
        Assert.StartsWith("csk_", secret, StringComparison.Ordinal);
        Browser.Screenshot("api-keys");
        Browser.Open("/console/admin/api-keys?owner=carol");
        Assert.DoesNotContain(secret, Browser.Driver.PageSource, StringComparison.Ordinal);
        Assert.Contains("laptop", Browser.Find("#api-keys").Text, StringComparison.Ordinal);

        Browser.Open("/console/admin/groups");
        Browser.Screenshot("groups");
        Browser.Open("/console/admin/service-accounts");
        Browser.Screenshot("service-accounts");
        Browser.Open("/console/audit");
        Browser.ClickAndLoad("#verify");
        Assert.Equal("true", Browser.Find("#verify-result").GetAttribute("data-valid"));
        Browser.Screenshot("audit");

        // The new key signs in; a user who is no Product Admin is shown no admin page and refused one.
        Browser.SignIn(secret);
        Assert.Contains("Welcome, carol", Browser.Find("h1").Text, StringComparison.Ordinal);
        Assert.False(Browser.Has("a[href='/console/admin/users']"));
        using var session = await ConsoleSession.SignInAsync(fixture.Server, secret);
        using var refused = await session.GetAsync("/console/admin/users");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains(await fixture.EventsAsync(""), e => e.Type == "user.list" && e.Outcome == AuditOutcome.Denied && e.Actor.Name == "carol");

        // Sign out ends the session: the console sends the browser back to sign in.
        Browser.ClickAndLoad("#sign-out");
        Browser.Open("/console/signers");
        Assert.Contains("/console/sign-in", Browser.Driver.Url, StringComparison.Ordinal);
    }

    /// <summary>Markup and control characters of caller text are shown, escaped, never interpreted.</summary>
    private void AssertShownAsText(OpenQA.Selenium.IWebElement card)
    {
        var justification = card.FindElement(OpenQA.Selenium.By.CssSelector(".justification"));
        Assert.Equal(DisplayText.Escape(Hostile.Replace("\n", "\r\n", StringComparison.Ordinal)), justification.Text);
        Assert.Contains("<script>", justification.Text, StringComparison.Ordinal);
        Assert.Contains("\\r\\nnext line \\u202eright", justification.Text, StringComparison.Ordinal);
        Assert.Empty(justification.FindElements(OpenQA.Selenium.By.TagName("script")));
        Assert.NotEqual("pwned", Browser.Driver.Title);
    }

    private void AddMember(string name, Role role)
    {
        Browser.Type("#member-name", name);
        Browser.Select("#member-role", role.ToString());
        Browser.ClickAndLoad("#add-member-button");
        Assert.Contains($"user {name} is now {role}", Browser.Find("#notice").Text, StringComparison.Ordinal);
    }

    private async Task<string> CreateSignerAsync(string name, params (string User, Role Role)[] members)
    {
        using var admin = fixture.Admin();
        var request = new CreateSignerRequest
        {
            Name = name,
            KeyAlgorithm = KeyAlgorithm.EcP256,
            CertificateAuthority = CertificateAuthorityKind.Internal,
            Members = { new MemberSpec { Principal = new PrincipalRef { Kind = PrincipalKind.User, Name = "admin" }, Role = Role.Administrator } },
        };
        request.Members.AddRange(members.Select(m => new MemberSpec { Principal = new PrincipalRef { Kind = PrincipalKind.User, Name = m.User }, Role = m.Role }));
        return (await new SignerService.SignerServiceClient(admin).CreateSignerAsync(request)).Name;
    }
}
