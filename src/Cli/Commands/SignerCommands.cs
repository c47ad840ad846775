using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using CodeSigning.Cli.Output;
using CodeSigning.Cli.Parsing;
using CodeSigning.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace CodeSigning.Cli.Commands;

/// <summary><c>csign signer</c>: create (four steps, prompted or by flags), list, show, enable, disable, certificates.</summary>
internal static class SignerCommands
{
    public const string Usage = """
        usage: csign signer <verb> ...

          create --name NAME [--algorithm rsa-3072] [--ca internal|external] [--subject DN] [--validity 365d]
                 [--description TEXT] [--admin P]... [--operator P]... [--auditor P]...
                 [--approver P]... [--approvals-required N] [--csr-out FILE] [--key-vault software|pkcs11]
                 [--import-key KEY.pem [--key-password-file FILE] [--certificate CHAIN.pem]]
          create [--interactive]        asks the four steps: name and key, CA, members, approval policy
          list
          show SIGNER
          enable SIGNER | disable SIGNER
          export-chain SIGNER [--out FILE] [--previous]   the certificate chain as PEM, leaf first (Administrator);
                                               --previous: the certificates of rotated-out keys instead
          csr SIGNER [--out FILE]              the pending PKCS#10 request (external CA)
          import-cert SIGNER --cert FILE [--chain FILE]...   the certificate the external CA issued
          renew SIGNER [--validity 365d] [--new-key]   --new-key: rotate to a new key; the old one is destroyed
          archive SIGNER                       retire it for good: no more signing or changes; audit and certificates kept

        Algorithms: rsa-2048, rsa-3072, rsa-4096, ec-p256, ec-p384, ec-p521. P is a principal: user:NAME,
        service-account:NAME (sa:NAME) or group:NAME; a bare NAME is a user. Without --admin, you become
        the Signer's Administrator. With --approver, signing needs approval (see csign policy).
        --key-vault picks where the key lives (default: the server's). --import-key brings an existing
        key (PKCS#8, encrypted PKCS#8 with its password from --key-password-file or CODESIGN_KEY_PASSWORD,
        or traditional RSA/EC PEM) into the software vault; --certificate keeps its existing chain.

        """;

    public static Noun Command() => new("signer", "create, list, show, enable/disable Signers; certificates", Usage,
        new Verb("create", "create a Signer: by flags, or asked step by step (--interactive)", CreateAsync,
            Flags.Text("name", "the new Signer's name", "NAME"),
            Flags.Switch("interactive", "ask the four steps: name and key, CA, members, approval policy"),
            Flags.Choice<KeyAlgorithm>("algorithm", "the key algorithm (default rsa-3072)"),
            Flags.Choice<CertificateAuthorityKind>("ca", "who issues the certificate (default internal)"),
            Flags.Text("subject", "the certificate's subject DN (default CN=NAME)", "DN"),
            Flags.Duration("validity", "the certificate's lifetime, e.g. 365d (internal CA only)"),
            Flags.Text("description", "what the Signer is for", "TEXT"),
            Flags.Repeated("admin", "an Administrator (default: you)", "PRINCIPAL"),
            Flags.Repeated("operator", "an Operator, who may sign", "PRINCIPAL"),
            Flags.Repeated("auditor", "an Auditor, who may read the audit log", "PRINCIPAL"),
            Flags.Repeated("approver", "an approver; signing then needs approval", "PRINCIPAL"),
            Flags.Number("approvals-required", "approvals a request needs (default 1)", minimum: 1),
            Flags.Text("csr-out", "write the PKCS#10 request to FILE (with --ca external)", "FILE"),
            Flags.Text("key-vault", "where the key lives: software or pkcs11 (default: the server's)", "VAULT"),
            Flags.Text("import-key", "bring an existing private key (PEM: PKCS#8, encrypted PKCS#8, RSA or EC) into the software vault", "KEY.pem"),
            Flags.Text("key-password-file", "the password of an encrypted --import-key (or CODESIGN_KEY_PASSWORD)", "FILE"),
            Flags.Text("certificate", "the existing certificate chain of --import-key, leaf first", "CHAIN.pem")),
        new Verb("list", "the Signers you are a member of", ListAsync),
        new Verb("show", "one Signer, its certificates and your role", ShowAsync, Verbs.SignerSymbols()),
        new Verb("enable", "allow signing again", i => SetEnabledAsync(i, true), Verbs.SignerSymbols()),
        new Verb("disable", "stop all signing with the Signer", i => SetEnabledAsync(i, false), Verbs.SignerSymbols()),
        new Verb("export-chain", "the certificate chain as PEM, leaf first (Administrator)", ExportChainAsync,
            [.. Verbs.SignerSymbols(), Flags.Text("out", "write to FILE instead of stdout", "FILE"),
             Flags.Switch("previous", "the certificates of rotated-out keys instead")]),
        new Verb("csr", "the pending PKCS#10 request (external CA)", CsrAsync,
            [.. Verbs.SignerSymbols(), Flags.Text("out", "write to FILE instead of stdout", "FILE")]),
        new Verb("import-cert", "the certificate the external CA issued", ImportCertificateAsync,
            [.. Verbs.SignerSymbols(), Flags.Text("cert", "the issued certificate, PEM or DER", "FILE"),
             Flags.Repeated("chain", "an issuer certificate, PEM or DER", "FILE")]),
        new Verb("renew", "a new certificate, optionally for a new key", RenewAsync,
            [.. Verbs.SignerSymbols(), Flags.Duration("validity", "the new certificate's lifetime, e.g. 365d"),
             Flags.Switch("new-key", "rotate to a new key; the old one is destroyed")]),
        new Verb("archive", "retire it for good: no more signing or changes; audit and certificates kept", ArchiveAsync, Verbs.SignerSymbols()));

    private static async Task CreateAsync(Invocation invocation)
    {
        // A person at a terminal who gives no name is walked through the steps; scripts get a usage error.
        var interactive = invocation.Args.Flag("interactive") || (invocation.Context.Interactive && invocation.Args.Option("name") is null);
        var plan = interactive ? SignerPlan.Prompt(invocation) : SignerPlan.FromFlags(invocation.Args);
        plan.Request.KeyVault = invocation.Args.Option("key-vault") ?? string.Empty;
        await ImportKeyAsync(invocation, plan.Request).ConfigureAwait(false);
        var csrOut = invocation.Args.Option("csr-out");
        if (csrOut is not null && plan.Request.CertificateAuthority != CertificateAuthorityKind.External)
        {
            throw CliException.Usage("--csr-out goes with --ca external");
        }

        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        var ct = invocation.CancellationToken;
        if (!plan.Request.Members.Any(m => m.Role == Role.Administrator))
        {
            var me = await connection.Identity.WhoAmIAsync(new Empty(), cancellationToken: ct).ConfigureAwait(false);
            plan.Request.Members.Add(new MemberSpec { Principal = me.Principal, Role = Role.Administrator });
        }

        invocation.Context.Progress(plan.Request.ImportPrivateKey.IsEmpty
            ? $"creating {plan.Request.Name}: generating its {EnumText<KeyAlgorithm>.Format(plan.Request.KeyAlgorithm)} key in the vault"
            : $"creating {plan.Request.Name} with the imported key");
        var signer = await connection.Signers.CreateSignerAsync(plan.Request, cancellationToken: ct).ConfigureAwait(false);
        if (plan.Policy is not null)
        {
            await connection.Approvals.SetApprovalPolicyAsync(
                new SetApprovalPolicyRequest { Signer = signer.Id, Policy = plan.Policy }, cancellationToken: ct).ConfigureAwait(false);
            signer = await connection.Signers.GetSignerAsync(new GetSignerRequest { Signer = signer.Id }, cancellationToken: ct).ConfigureAwait(false);
        }

        if (csrOut is not null)
        {
            var csr = await connection.Signers.GetCertificateSigningRequestAsync(
                new GetCertificateSigningRequestRequest { Signer = signer.Id }, cancellationToken: ct).ConfigureAwait(false);
            await File.WriteAllTextAsync(csrOut, csr.Pem, ct).ConfigureAwait(false);
        }

        Show(invocation.Printer, signer);
        if (!invocation.Printer.Json && signer.CertificateAuthority == CertificateAuthorityKind.External)
        {
            var next = csrOut is null ? $"csign signer csr {signer.Name} --out {signer.Name}.csr" : $"CSR written to {csrOut}";
            invocation.Context.Out.WriteLine(DisplayText.Escape($"next: {next}; have the CA issue it, then csign signer import-cert {signer.Name} --cert FILE"));
        }
    }

    /// <summary><c>--import-key</c> and <c>--certificate</c>: the key as PKCS#8 and its chain, leaf first.</summary>
    private static async Task ImportKeyAsync(Invocation invocation, CreateSignerRequest request)
    {
        var keyFile = invocation.Args.Option("import-key");
        var certificateFile = invocation.Args.Option("certificate");
        var passwordFile = invocation.Args.Option("key-password-file");
        if (keyFile is null)
        {
            if (certificateFile is not null || passwordFile is not null)
            {
                throw CliException.Usage("--certificate and --key-password-file go with --import-key");
            }
            return;
        }
        var password = passwordFile is not null
            ? (await File.ReadAllTextAsync(passwordFile, invocation.CancellationToken).ConfigureAwait(false)).TrimEnd('\r', '\n')
            : invocation.Context.GetEnvironment(PrivateKeyFile.PasswordVariable);
        var pkcs8 = PrivateKeyFile.ReadPkcs8(keyFile, password);
        request.ImportPrivateKey = ByteString.CopyFrom(pkcs8);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(pkcs8);
        // The key decides its algorithm unless one was asked for explicitly.
        if (invocation.Args.Option("algorithm") is null)
        {
            request.KeyAlgorithm = KeyAlgorithm.Unspecified;
        }
        if (certificateFile is not null)
        {
            var chain = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
            chain.ImportFromPemFile(certificateFile);
            if (chain.Count == 0)
            {
                throw CliException.Usage($"{certificateFile} holds no CERTIFICATE PEM block");
            }
            request.ImportCertificateChain.Add(chain.Select(c => ByteString.CopyFrom(c.RawData)));
            foreach (var certificate in chain)
            {
                certificate.Dispose();
            }
            if (invocation.Args.Option("ca") is null)
            {
                request.CertificateAuthority = CertificateAuthorityKind.External;
            }
        }
    }

    private static async Task ListAsync(Invocation invocation)
    {
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        var all = new ListSignersResponse();
        var request = new ListSignersRequest { PageSize = 200 };
        do
        {
            var page = await connection.Signers.ListSignersAsync(request, cancellationToken: invocation.CancellationToken).ConfigureAwait(false);
            all.Signers.Add(page.Signers);
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);

        var table = new Table("NAME", "ALGORITHM", "CA", "ENABLED", "APPROVAL", "YOUR ROLE", "CERTIFICATE UNTIL");
        foreach (var s in all.Signers)
        {
            table.Add(
                s.Name,
                EnumText<KeyAlgorithm>.Format(s.KeyAlgorithm),
                EnumText<CertificateAuthorityKind>.Format(s.CertificateAuthority),
                s.ArchivedAt is null ? Printer.YesNo(s.Enabled) : "archived",
                s.ApprovalRequired ? "required" : "no",
                s.CallerRole == Role.Unspecified ? "-" : EnumText<Role>.Format(s.CallerRole),
                s.CertificateChain.Count == 0 ? "(none yet)" : Day(LoadCertificate(s.CertificateChain[0]).NotAfter));
        }

        invocation.Printer.Print(all, table);
    }

    private static async Task ShowAsync(Invocation invocation)
    {
        var name = Verbs.Signer(invocation);
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        Show(invocation.Printer, await GetAsync(connection, name, invocation.CancellationToken).ConfigureAwait(false));
    }

    private static async Task SetEnabledAsync(Invocation invocation, bool enabled)
    {
        var name = Verbs.Signer(invocation);
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        var signer = await connection.Signers.SetSignerEnabledAsync(
            new SetSignerEnabledRequest { Signer = name, Enabled = enabled }, cancellationToken: invocation.CancellationToken).ConfigureAwait(false);
        invocation.Printer.Print(signer, w => w.WriteLine($"{signer.Name}: signing {(enabled ? "enabled" : "disabled")}"));
    }

    private static async Task ArchiveAsync(Invocation invocation)
    {
        var name = Verbs.Signer(invocation);
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        var signer = await connection.Signers.ArchiveSignerAsync(new ArchiveSignerRequest { Signer = name }, cancellationToken: invocation.CancellationToken).ConfigureAwait(false);
        invocation.Printer.Print(signer, w => w.WriteLine($"{signer.Name}: archived; its audit log and certificates are kept"));
    }

    private static async Task ExportChainAsync(Invocation invocation)
    {
        var name = Verbs.Signer(invocation);
        var output = invocation.Args.Option("out");
        var previous = invocation.Args.Flag("previous");
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        var chain = await connection.Signers.ExportCertificateChainAsync(
            new ExportCertificateChainRequest { Signer = name }, cancellationToken: invocation.CancellationToken).ConfigureAwait(false);
        await (previous
            ? WriteTextAsync(invocation, output, chain.PreviousPem, chain, $"{chain.PreviousCertificates.Count} previous certificates")
            : WriteTextAsync(invocation, output, chain.Pem, chain, $"{chain.CertificateChain.Count} certificates")).ConfigureAwait(false);
    }

    private static async Task CsrAsync(Invocation invocation)
    {
        var name = Verbs.Signer(invocation);
        var output = invocation.Args.Option("out");
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        var csr = await connection.Signers.GetCertificateSigningRequestAsync(
            new GetCertificateSigningRequestRequest { Signer = name }, cancellationToken: invocation.CancellationToken).ConfigureAwait(false);
        await WriteTextAsync(invocation, output, csr.Pem, csr, "certificate request").ConfigureAwait(false);
    }

    private static async Task ImportCertificateAsync(Invocation invocation)
    {
        var name = Verbs.Signer(invocation);
        var files = new[] { invocation.Args.Required("cert", "the issued certificate, PEM or DER") }.Concat(invocation.Args.Options("chain")).ToList();
        var request = new ImportCertificateRequest { Signer = name };
        foreach (var file in files)
        {
            request.Certificates.Add(ByteString.CopyFrom(await File.ReadAllBytesAsync(file, invocation.CancellationToken).ConfigureAwait(false)));
        }

        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        Show(invocation.Printer, await connection.Signers.ImportCertificateAsync(request, cancellationToken: invocation.CancellationToken).ConfigureAwait(false));
    }

    private static async Task RenewAsync(Invocation invocation)
    {
        var request = new RenewCertificateRequest { Signer = Verbs.Signer(invocation), NewKey = invocation.Args.Flag("new-key") };
        if (invocation.Args.Duration("validity") is { } validity)
        {
            request.Validity = Duration.FromTimeSpan(validity);
        }

        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        invocation.Context.Progress(request.NewKey ? $"rotating {request.Signer} to a new key" : $"renewing the certificate of {request.Signer}");
        var signer = await connection.Signers.RenewCertificateAsync(request, cancellationToken: invocation.CancellationToken).ConfigureAwait(false);
        Show(invocation.Printer, signer);
        if (!invocation.Printer.Json && signer.CertificateRequestPending)
        {
            invocation.Context.Out.WriteLine(DisplayText.Escape($"next: csign signer csr {signer.Name} --out {signer.Name}.csr, then csign signer import-cert {signer.Name} --cert FILE"));
        }
    }

    public static Task<Signer> GetAsync(Connection.ServerConnection connection, string signer, CancellationToken cancellationToken) =>
        connection.Signers.GetSignerAsync(new GetSignerRequest { Signer = signer }, cancellationToken: cancellationToken).ResponseAsync;

    /// <summary>DER certificates as one PEM bundle, in the order given.</summary>
    public static string ToPem(IEnumerable<ByteString> certificates) =>
        string.Concat(certificates.Select(der => new string(System.Security.Cryptography.PemEncoding.Write("CERTIFICATE", der.Span)) + "\n"));

    private static void Show(Printer printer, Signer s)
    {
        var properties = new List<(string, string?)>
        {
            ("name", s.Name),
            ("id", s.Id),
            ("description", s.Description),
            ("algorithm", EnumText<KeyAlgorithm>.Format(s.KeyAlgorithm)),
            ("enabled", Printer.YesNo(s.Enabled)),
            ("archived", s.ArchivedAt is null ? null : Printer.Time(s.ArchivedAt)),
            ("ca", EnumText<CertificateAuthorityKind>.Format(s.CertificateAuthority)),
            ("approval", s.ApprovalRequired ? $"required (csign policy show {s.Name})" : "not required"),
            ("your role", s.CallerRole == Role.Unspecified ? null : EnumText<Role>.Format(s.CallerRole)),
            ("csr pending", Printer.YesNo(s.CertificateRequestPending)),
            ("key vault", s.KeyVault),
            ("created", Printer.Time(s.CreatedAt)),
        };
        var chain = s.CertificateChain.Select(LoadCertificate).ToList();
        for (var i = 0; i < chain.Count; i++)
        {
            var label = i == 0 ? "certificate" : i == chain.Count - 1 ? "root" : "issuer";
            var fingerprint = chain[i].GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256).ToLowerInvariant();
            properties.Add((label, $"{chain[i].Subject} (until {Day(chain[i].NotAfter)}, sha256 {fingerprint})"));
        }

        if (chain.Count == 0)
        {
            properties.Add(("certificate", "(none yet)"));
        }

        foreach (var previous in s.PreviousCertificates.Select(LoadCertificate))
        {
            var fingerprint = previous.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256).ToLowerInvariant();
            properties.Add(("previous key", $"{previous.Subject} (until {Day(previous.NotAfter)}, sha256 {fingerprint})"));
        }

        printer.Print(s, [.. properties]);
    }

    private static string Day(DateTime time) => time.ToUniversalTime().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static X509Certificate2 LoadCertificate(ByteString der) => X509CertificateLoader.LoadCertificate(der.Span);

    private static async Task WriteTextAsync(Invocation invocation, string? path, string text, IMessage result, string what)
    {
        if (path is null)
        {
            invocation.Printer.Print(result, w => w.Write(text));
            return;
        }

        await File.WriteAllTextAsync(path, text, invocation.CancellationToken).ConfigureAwait(false);
        invocation.Printer.Print(result, w => w.WriteLine($"{what} written to {path}"));
    }
}
