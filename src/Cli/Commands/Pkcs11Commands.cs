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
        output.Write(V1.SigningToolCommands.Text(signer.Name, signer.KeyAlgorithm, paths.Tools));
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

        public V1.SigningToolPaths Tools => new(Module, LibraryConfig, SunConfig, Chain, Root, GnupgHome, OpensslConfig, TsaUrl);
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
