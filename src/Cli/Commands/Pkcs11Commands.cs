using System.CommandLine;
using CodeSigning.Cli.Parsing;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using CodeSigning.Cli.Configuration;
using CodeSigning.Cli.Connection;

namespace CodeSigning.Cli.Commands;

/// <summary>
/// <c>csign pkcs11 setup</c>: everything a signing tool needs to reach one Signer through the PKCS#11
/// module: the module's configuration (with csign's server and credential), a SunPKCS11 file for
/// Java tools, the certificate chain, and ready command lines.
/// </summary>
internal static class Pkcs11Commands
{
    public const string Usage = """
        usage: csign pkcs11 setup --signer SIGNER [--dir DIR] [--module PATH] [--tsa-url URL] [--tool gpg|openssl|p11-kit]... [--p11-kit]

        Writes to DIR (default ./codesign-SIGNER):
          pkcs11.json     the module configuration: this server, CA file and credential, only SIGNER (0600)
          sunpkcs11.cfg   the SunPKCS11 provider configuration for jarsigner, apksigner and keytool
          chain.pem       the Signer's certificate chain, leaf first
          root.pem        its root, for verifiers' truststores
        and prints a working command line for every tool: jarsigner, apksigner, osslsigncode, openssl,
        sbsign, gpg (gnupg-pkcs11-scd) with rpm, debsigs and skopeo, p11-kit, sign-file.
        --tool NAME also writes that tool's files (repeatable):
          gpg       DIR/gnupg/: gpg-agent.conf (gnupg-pkcs11-scd as scdaemon), gnupg-pkcs11-scd.conf
                    (this module), gpg.conf (SHA-256 digests)
          openssl   DIR/openssl.cnf: the libp11 engine section for this module
          p11-kit   a p11-kit module file, $XDG_CONFIG_HOME/pkcs11/modules/codesign-SIGNER.module
                    (module: and x-init-reserved: naming pkcs11.json); --p11-kit is the same
        --module defaults to $CODESIGN_PKCS11_MODULE, else the module built beside csign.
        --tsa-url is the timestamp authority the jarsigner and osslsigncode lines name; default: the
          server's own, SERVER/tsa (docs/tsa.md). Tools that do not trust the server's TLS certificate
          need its plain-HTTP listener instead (codesign-server --tsa-listen).

        """;

    private const string ModuleFileName = "libcodesign-pkcs11";
    private static readonly string[] Tools = ["gpg", "openssl", "p11-kit"];

    public static Noun Command() => new("pkcs11", "write a PKCS#11 module configuration for a Signer", Usage,
        new Verb("setup", "write the module configuration, SunPKCS11 file and chain for a Signer, and print each tool's command line", SetupAsync,
            Flags.Text("signer", "the Signer the tools will use", "SIGNER"),
            Flags.Text("dir", "where to write (default ./codesign-SIGNER)", "DIR"),
            Flags.Text("module", "the PKCS#11 module (default $CODESIGN_PKCS11_MODULE, else the one beside csign)", "PATH"),
            Flags.Text("tsa-url", "the timestamp authority the tool lines name (default SERVER/tsa)", "URL"),
            Flags.Repeated("tool", "also write this tool's files: gpg, openssl or p11-kit", "TOOL"),
            Flags.Switch("p11-kit", "the same as --tool p11-kit")));

    private static async Task SetupAsync(Invocation invocation)
    {
        var args = invocation.Args;
        var signerName = args.Required("signer", "the Signer the tools will use");
        var directory = Path.GetFullPath(args.Option("dir") ?? $"codesign-{signerName}");
        var module = Path.GetFullPath(args.Option("module") ?? DefaultModule(invocation.Context)
            ?? throw CliException.Usage("cannot find the PKCS#11 module: pass --module PATH (or set CODESIGN_PKCS11_MODULE)"));
        var tools = args.Options("tool").Concat(args.Flag("p11-kit") ? ["p11-kit"] : []).Distinct(StringComparer.Ordinal).ToArray();
        if (tools.FirstOrDefault(t => !Tools.Contains(t, StringComparer.Ordinal)) is { } unknown)
        {
            throw CliException.Usage($"unknown --tool {unknown} (one of: {string.Join(", ", Tools)})");
        }

        var configuration = ConfigurationStore.Load(invocation.Context);
        var tsaUrl = args.Option("tsa-url") ?? $"{configuration.Server?.TrimEnd('/')}/tsa";
        if (!Uri.TryCreate(tsaUrl, UriKind.Absolute, out var tsa) || tsa.Scheme is not ("http" or "https"))
        {
            throw CliException.Usage($"--tsa-url must be an http or https URL, not {V1.DisplayText.Escape(tsaUrl)}");
        }

        using var connection = await invocation.ConnectAsync(configuration).ConfigureAwait(false);
        var signer = await SignerCommands.GetAsync(connection, signerName, invocation.CancellationToken).ConfigureAwait(false);
        if (signer.CertificateChain.Count == 0)
        {
            throw new CliException(ExitCode.ServerRefused, $"{signer.Name} has no certificate yet; import it first (csign signer import-cert)");
        }

        Directory.CreateDirectory(directory);
        var paths = new SetupPaths(directory, module, ModuleFile(invocation.Context, signer.Name), tsaUrl);
        PrivateFile.Write(paths.LibraryConfig, LibraryConfiguration(configuration, signer.Name, Path.Combine(directory, "codesign-pkcs11.log")).ToJsonString(ConfigurationStore.JsonOptions) + "\n");
        await File.WriteAllTextAsync(paths.SunConfig, SunPkcs11Configuration(signer.Name, module), invocation.CancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(paths.Chain, SignerCommands.ToPem(signer.CertificateChain), invocation.CancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(paths.Root, SignerCommands.ToPem([signer.CertificateChain[^1]]), invocation.CancellationToken).ConfigureAwait(false);
        var written = new List<string> { paths.LibraryConfig, paths.SunConfig, paths.Chain, paths.Root };
        foreach (var tool in tools)
        {
            written.AddRange(await WriteToolFilesAsync(tool, paths, invocation.CancellationToken).ConfigureAwait(false));
        }

        var result = new JsonObject
        {
            ["signer"] = signer.Name,
            ["module"] = module,
            ["library_config"] = paths.LibraryConfig,
            ["sunpkcs11_config"] = paths.SunConfig,
            ["chain"] = paths.Chain,
            ["root"] = paths.Root,
            ["written"] = new JsonArray([.. written.Select(w => (JsonNode)w)]),
        };
        if (invocation.Printer.Json)
        {
            invocation.Context.Out.WriteLine(result.ToJsonString(ConfigurationStore.JsonOptions));
            return;
        }

        var output = invocation.Context.Out;
        output.WriteLine($"wrote {string.Join("\n      ", written)}");
        output.WriteLine();
        output.WriteLine("Point the module at its configuration (every tool below needs this; for gpg, before its agent starts):");
        output.WriteLine($"  export CODESIGN_PKCS11_CONFIG={paths.LibraryConfig}");
        foreach (var command in ToolCommands(signer.Name, signer.KeyAlgorithm, paths))
        {
            output.WriteLine(command.Title + ":");
            foreach (var line in command.Lines)
            {
                output.WriteLine("  " + line);
            }
        }

        output.WriteLine();
    }

    /// <summary>Where setup writes, and the module it names.</summary>
    private sealed record SetupPaths(string Directory, string Module, string P11KitModuleFile, string TsaUrl)
    {
        public string LibraryConfig => Path.Combine(Directory, "pkcs11.json");
        public string SunConfig => Path.Combine(Directory, "sunpkcs11.cfg");
        public string Chain => Path.Combine(Directory, "chain.pem");
        public string Root => Path.Combine(Directory, "root.pem");
        public string GnupgHome => Path.Combine(Directory, "gnupg");
        public string OpensslConfig => Path.Combine(Directory, "openssl.cnf");
    }

    /// <summary>One tool's ready command lines, printed under its title.</summary>
    private sealed record ToolCommand(string Title, params string[] Lines);

    /// <summary>
    /// Every tool's command lines, in the order printed: the one place they are built. Each is what
    /// the harness (tools/softhsm-harness) and docs/clients/ run.
    /// </summary>
    private static IEnumerable<ToolCommand> ToolCommands(string signer, V1.KeyAlgorithm algorithm, SetupPaths paths)
    {
        var uri = $"pkcs11:token={signer};object={signer};type=private";
        var rsa = algorithm is not (V1.KeyAlgorithm.EcP256 or V1.KeyAlgorithm.EcP384 or V1.KeyAlgorithm.EcP521);
        var java = $"-providerClass sun.security.pkcs11.SunPKCS11 -providerArg {paths.SunConfig}";
        yield return new("jarsigner",
            $"jarsigner -keystore NONE -storetype PKCS11 {java} -storepass none -sigalg {JarSignatureAlgorithm(algorithm)} -tsa {paths.TsaUrl} app.jar {signer}");
        yield return new("jarsigner verification, trusting the Signer's root",
            $"keytool -importcert -noprompt -alias codesign-root -file {paths.Root} -keystore truststore.p12 -storepass changeit",
            "jarsigner -verify -strict -keystore truststore.p12 -storepass changeit app.jar");
        // --min-sdk-version 24 lets v1 use SHA-256: below it v1 wants SHA-1, which is refused (CKR_DATA_INVALID).
        yield return new("apksigner (the JDK must export SunPKCS11 to it)",
            $"apksigner -J-add-exports=jdk.crypto.cryptoki/sun.security.pkcs11=ALL-UNNAMED sign --provider-class sun.security.pkcs11.SunPKCS11 --provider-arg {paths.SunConfig} --ks NONE --ks-type PKCS11 --ks-pass pass:none --ks-key-alias {signer} --min-sdk-version 24 --out app-signed.apk app.apk",
            "apksigner verify -v --print-certs --min-sdk-version 23 app-signed.apk");
        yield return new("osslsigncode (libp11; PE, MSI, CAB; PowerShell scripts, catalogs and APPX need osslsigncode 2.8 or later)",
            $"osslsigncode sign -pkcs11module {paths.Module} -key '{uri}' -certs {paths.Chain} -h sha256 -ts {paths.TsaUrl} -in app.exe -out app-signed.exe",
            $"osslsigncode verify -CAfile {paths.Root} -TSA-CAfile {paths.Root} -in app-signed.exe");
        yield return new("openssl (libp11 engine; with --tool openssl: OPENSSL_CONF={paths.OpensslConfig} instead of PKCS11_MODULE_PATH)",
            $"PKCS11_MODULE_PATH={paths.Module} openssl dgst -sha256 -engine pkcs11 -keyform engine -sign '{uri}' -out file.sig file");
        yield return new("sbsign (UEFI, libp11 engine)",
            $"PKCS11_MODULE_PATH={paths.Module} sbsign --engine pkcs11 --key '{uri}' --cert {paths.Chain} --addcert {paths.Chain} --output app-signed.efi app.efi",
            $"sbverify --cert {paths.Root} app-signed.efi");
        if (rsa)
        {
            yield return new($"gpg through gnupg-pkcs11-scd (after --tool gpg): an OpenPGP key on the card key, then a detached signature",
                $"export GNUPGHOME={paths.GnupgHome}",
                $"grip=$(gpg-connect-agent 'SCD LEARN --force' 'LEARN --sendinfo' /bye | awk '$2 == \"KEY-FRIEDNLY\" && / on {signer}$/ {{ print $3; exit }}')",
                $"printf 'Key-Type: RSA\\nKey-Grip: %s\\nKey-Usage: sign\\nName-Real: {signer}\\nExpire-Date: 0\\n%%commit\\n' \"$grip\" | gpg --batch --gen-key",
                $"gpg --local-user {signer} --detach-sign file");
            yield return new("rpm (through gpg, as above)",
                $"rpm --define '__gpg /usr/bin/gpg' --define '_gpg_name {signer}' --define '_gpg_digest_algo sha256' --addsign package.rpm");
            yield return new("debsigs (through gpg, as above; gpg.conf's SHA-256 preference keeps its gpg --openpgp off SHA-1)",
                $"debsigs --sign=origin --default-key={signer} package.deb");
            yield return new("skopeo (simple signing through gpg, as above)",
                $"skopeo copy --sign-by \"$(gpg --with-colons --list-keys {signer} | awk -F: '$1 == \"fpr\" {{ print $10; exit }}')\" --sign-identity registry.example/app:1 oci:image:1 dir:signed-image");
        }
        else
        {
            yield return new("gpg, rpm, debsigs, skopeo: not for this Signer", "gnupg-pkcs11-scd 0.10 offers RSA keys only");
        }

        yield return new("p11-kit (after --tool p11-kit; as a user other than root, whose p11-kit ignores per-user module files)",
            $"pkcs11-tool --module /usr/lib/$(uname -m)-linux-gnu/p11-kit-proxy.so --token-label {signer} --sign --mechanism {Pkcs11ToolMechanism(algorithm)} --label {signer} --input-file file --output-file file.sig");
        yield return new("sign-file (kernel modules): needs OpenSSL 3's pkcs11-provider, see docs/clients/sign-file.md",
            $"OPENSSL_CONF=openssl-provider.cnf /usr/src/linux-headers-$(uname -r)/scripts/sign-file sha256 '{uri}' {paths.Chain} module.ko");
    }

    /// <summary>Writes one tool's files (<c>--tool NAME</c>) and returns their paths.</summary>
    private static async Task<IReadOnlyList<string>> WriteToolFilesAsync(string tool, SetupPaths paths, CancellationToken cancellationToken)
    {
        switch (tool)
        {
            case "gpg":
                Directory.CreateDirectory(paths.GnupgHome);
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(paths.GnupgHome, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }

                var agent = Path.Combine(paths.GnupgHome, "gpg-agent.conf");
                var scd = Path.Combine(paths.GnupgHome, "gnupg-pkcs11-scd.conf");
                var gpg = Path.Combine(paths.GnupgHome, "gpg.conf");
                await File.WriteAllTextAsync(agent, $"scdaemon-program {FindOnPath("gnupg-pkcs11-scd") ?? "/usr/bin/gnupg-pkcs11-scd"}\n", cancellationToken).ConfigureAwait(false);
                await File.WriteAllTextAsync(scd, $"providers p1\nprovider-p1-library {paths.Module}\n", cancellationToken).ConfigureAwait(false);
                await File.WriteAllTextAsync(gpg, "personal-digest-preferences SHA256\ncert-digest-algo SHA256\n", cancellationToken).ConfigureAwait(false);
                return [agent, scd, gpg];
            case "openssl":
                await File.WriteAllTextAsync(paths.OpensslConfig, $"""
                    openssl_conf = openssl_init
                    [openssl_init]
                    engines = engine_section
                    [engine_section]
                    pkcs11 = pkcs11_section
                    [pkcs11_section]
                    engine_id = pkcs11
                    MODULE_PATH = {paths.Module}
                    init = 0

                    """, cancellationToken).ConfigureAwait(false);
                return [paths.OpensslConfig];
            default:
                Directory.CreateDirectory(Path.GetDirectoryName(paths.P11KitModuleFile)!);
                await File.WriteAllTextAsync(paths.P11KitModuleFile, $"module: {paths.Module}\nx-init-reserved: {paths.LibraryConfig}\n", cancellationToken).ConfigureAwait(false);
                return [paths.P11KitModuleFile];
        }
    }

    /// <summary>The per-user p11-kit module file: $XDG_CONFIG_HOME (else ~/.config)/pkcs11/modules/codesign-SIGNER.module.</summary>
    private static string ModuleFile(CliContext context, string signer)
    {
        var configHome = context.GetEnvironment("XDG_CONFIG_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(context.GetEnvironment("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        var name = new string([.. signer.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_')]);
        return Path.Combine(configHome, "pkcs11", "modules", $"codesign-{name}.module");
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);

    private static string Pkcs11ToolMechanism(V1.KeyAlgorithm algorithm) => algorithm switch
    {
        V1.KeyAlgorithm.EcP256 => "ECDSA-SHA256 --signature-format openssl",
        V1.KeyAlgorithm.EcP384 => "ECDSA-SHA384 --signature-format openssl",
        V1.KeyAlgorithm.EcP521 => "ECDSA-SHA512 --signature-format openssl",
        _ => "SHA256-RSA-PKCS",
    };

    /// <summary>The module configuration (format fixed in the common brief), limited to one Signer.</summary>
    private static JsonObject LibraryConfiguration(CliConfiguration configuration, string signer, string logFile)
    {
        var document = new JsonObject { ["servers"] = new JsonArray(configuration.Server) };
        if (configuration.CaFile is not null)
        {
            document["tls_ca_file"] = configuration.CaFile;
        }

        // csign's own credential (the connection already required one), so tokens need no login.
        document["auth"] = configuration switch
        {
            { ServiceAccount: { } sa } => new JsonObject
            {
                ["service_account"] = new JsonObject { ["client_id"] = sa.ClientId, ["private_key_file"] = sa.PrivateKeyFile, ["key_id"] = sa.KeyId },
            },
            { ApiKey: { } key } => new JsonObject { ["api_key"] = key },
            _ => new JsonObject { ["api_key_file"] = configuration.ApiKeyFile },
        };
        document["signers"] = new JsonArray(signer);
        document["connect_timeout_ms"] = 3000;
        document["call_timeout_ms"] = 10000;
        document["retries"] = 2;
        document["approval_wait_seconds"] = 0;
        document["cache_ttl_seconds"] = 60;
        document["log_level"] = "warning";
        document["log_file"] = logFile;
        return document;
    }

    // One Signer is allowed in the module configuration, so its token is the only slot: index 0.
    private static string SunPkcs11Configuration(string signer, string module) => $"""
        name = CodeSign-{new string([.. signer.Where(char.IsAsciiLetterOrDigit)])}
        library = {module}
        slotListIndex = 0

        """;

    private static string JarSignatureAlgorithm(V1.KeyAlgorithm algorithm) => algorithm switch
    {
        V1.KeyAlgorithm.EcP256 => "SHA256withECDSA",
        V1.KeyAlgorithm.EcP384 => "SHA384withECDSA",
        V1.KeyAlgorithm.EcP521 => "SHA512withECDSA",
        _ => "SHA256withRSA",
    };

    private static string? DefaultModule(CliContext context)
    {
        var fromEnvironment = context.GetEnvironment("CODESIGN_PKCS11_MODULE");
        if (fromEnvironment is not null)
        {
            return fromEnvironment;
        }

        // Built layout: artifacts/cli/csign beside artifacts/native/<rid>/libcodesign-pkcs11.<ext>.
        var extension = OperatingSystem.IsWindows() ? "dll" : OperatingSystem.IsMacOS() ? "dylib" : "so";
        var beside = Path.Combine(AppContext.BaseDirectory, "..", "native", RuntimeInformation.RuntimeIdentifier, $"{ModuleFileName}.{extension}");
        return File.Exists(beside) ? beside : null;
    }
}
