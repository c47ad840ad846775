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
        usage: csign pkcs11 setup --signer SIGNER [--dir DIR] [--module PATH]

        Writes to DIR (default ./codesign-SIGNER):
          pkcs11.json     the module configuration: this server, CA file and credential, only SIGNER (0600)
          sunpkcs11.cfg   the SunPKCS11 provider configuration for jarsigner, apksigner and keytool
          chain.pem       the Signer's certificate chain, leaf first
          root.pem        its root, for verifiers' truststores
        and prints the jarsigner, apksigner, osslsigncode and openssl command lines for SIGNER.
        --module defaults to $CODESIGN_PKCS11_MODULE, else the module built beside csign.

        """;

    private const string ModuleFileName = "libcodesign-pkcs11";

    public static Task RunAsync(Invocation invocation) => Verbs.RunAsync(invocation, "pkcs11", new Dictionary<string, Func<Invocation, Task>>
    {
        ["setup"] = SetupAsync,
    });

    private static async Task SetupAsync(Invocation invocation)
    {
        var args = invocation.Args;
        var signerName = args.Required("signer", "the Signer the tools will use");
        var directory = Path.GetFullPath(args.Option("dir") ?? $"codesign-{signerName}");
        var module = Path.GetFullPath(args.Option("module") ?? DefaultModule(invocation.Context)
            ?? throw CliException.Usage("cannot find the PKCS#11 module: pass --module PATH (or set CODESIGN_PKCS11_MODULE)"));
        var configuration = ConfigurationStore.Load(invocation.Context);

        using var connection = await invocation.ConnectAsync(configuration).ConfigureAwait(false);
        var signer = await SignerCommands.GetAsync(connection, signerName, invocation.CancellationToken).ConfigureAwait(false);
        if (signer.CertificateChain.Count == 0)
        {
            throw new CliException(ExitCode.ServerRefused, $"{signer.Name} has no certificate yet; import it first (csign signer import-cert)");
        }

        Directory.CreateDirectory(directory);
        var libraryConfig = Path.Combine(directory, "pkcs11.json");
        var sunConfig = Path.Combine(directory, "sunpkcs11.cfg");
        var chain = Path.Combine(directory, "chain.pem");
        var root = Path.Combine(directory, "root.pem");
        PrivateFile.Write(libraryConfig, LibraryConfiguration(configuration, signer.Name, Path.Combine(directory, "codesign-pkcs11.log")).ToJsonString(ConfigurationStore.JsonOptions) + "\n");
        await File.WriteAllTextAsync(sunConfig, SunPkcs11Configuration(signer.Name, module), invocation.CancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(chain, SignerCommands.ToPem(signer.CertificateChain), invocation.CancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(root, SignerCommands.ToPem([signer.CertificateChain[^1]]), invocation.CancellationToken).ConfigureAwait(false);

        var result = new JsonObject
        {
            ["signer"] = signer.Name,
            ["module"] = module,
            ["library_config"] = libraryConfig,
            ["sunpkcs11_config"] = sunConfig,
            ["chain"] = chain,
            ["root"] = root,
        };
        if (invocation.Printer.Json)
        {
            invocation.Context.Out.WriteLine(result.ToJsonString(ConfigurationStore.JsonOptions));
            return;
        }

        var uri = $"pkcs11:token={signer.Name};object={signer.Name};type=private";
        var java = $"-providerClass sun.security.pkcs11.SunPKCS11 -providerArg {sunConfig}";
        invocation.Context.Out.Write($"""
            wrote {libraryConfig}
                  {sunConfig}
                  {chain}
                  {root}

            Point the module at its configuration (every tool below needs this):
              export CODESIGN_PKCS11_CONFIG={libraryConfig}

            jarsigner:
              jarsigner -keystore NONE -storetype PKCS11 {java} -storepass none -sigalg {JarSignatureAlgorithm(signer.KeyAlgorithm)} app.jar {signer.Name}
            jarsigner verification, trusting the Signer's root:
              keytool -importcert -noprompt -alias codesign-root -file {root} -keystore truststore.p12 -storepass changeit
              jarsigner -verify -strict -keystore truststore.p12 -storepass changeit app.jar
            apksigner (the JDK must open SunPKCS11 to it):
              apksigner -J-add-opens=jdk.crypto.cryptoki/sun.security.pkcs11=ALL-UNNAMED sign --provider-class sun.security.pkcs11.SunPKCS11 --provider-arg {sunConfig} --ks NONE --ks-type PKCS11 --ks-pass pass:none --ks-key-alias {signer.Name} app.apk
            osslsigncode (libp11):
              osslsigncode sign -pkcs11module {module} -key '{uri}' -certs {chain} -h sha256 -in app.exe -out app-signed.exe
            openssl (libp11 engine):
              PKCS11_MODULE_PATH={module} openssl dgst -sha256 -engine pkcs11 -keyform engine -sign '{uri}' -out file.sig file

            """);
    }

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
