namespace CodeSigning.V1;

/// <summary>Where <c>csign pkcs11 setup</c> writes a Signer's files, and the module and TSA its command lines name.</summary>
public sealed record SigningToolPaths(string Module, string LibraryConfig, string SunConfig, string Chain, string Root, string GnupgHome, string OpensslConfig, string TsaUrl)
{
    /// <summary>The files of <c>csign pkcs11 setup --signer SIGNER</c> run in the current directory, the module named by its variable.</summary>
    public static SigningToolPaths Default(string signer, string serverUrl)
    {
        var directory = $"codesign-{signer}";
        return new("$CODESIGN_PKCS11_MODULE", $"{directory}/pkcs11.json", $"{directory}/sunpkcs11.cfg", $"{directory}/chain.pem", $"{directory}/root.pem",
            $"{directory}/gnupg", $"{directory}/openssl.cnf", $"{serverUrl.TrimEnd('/')}/tsa");
    }
}

/// <summary>One tool's ready command lines, printed under its title.</summary>
public sealed record SigningToolCommand(string Title, params string[] Lines);

/// <summary>
/// The command lines that hook each signing tool up to a Signer through the PKCS#11 module: what
/// <c>csign pkcs11 setup</c> prints and the web console's Signer page shows.
/// </summary>
public static class SigningToolCommands
{
    /// <summary>The text csign prints: the module's configuration variable, then every tool's lines under its title.</summary>
    public static string Text(string signer, KeyAlgorithm algorithm, SigningToolPaths paths)
    {
        var text = new System.Text.StringBuilder();
        text.Append("Point the module at its configuration (every tool below needs this; for gpg, before its agent starts):\n");
        text.Append($"  export CODESIGN_PKCS11_CONFIG={paths.LibraryConfig}\n");
        foreach (var command in For(signer, algorithm, paths))
        {
            text.Append(command.Title).Append(":\n");
            foreach (var line in command.Lines)
            {
                text.Append("  ").Append(line).Append('\n');
            }
        }
        return text.ToString();
    }

    /// <summary>
    /// Every tool's command lines, in the order printed: the one place they are built. Each is what
    /// the harness (tools/softhsm-harness) and docs/clients/ run.
    /// </summary>
    public static IEnumerable<SigningToolCommand> For(string signer, KeyAlgorithm algorithm, SigningToolPaths paths)
    {
        var uri = $"pkcs11:token={signer};object={signer};type=private";
        var rsa = algorithm is not (KeyAlgorithm.EcP256 or KeyAlgorithm.EcP384 or KeyAlgorithm.EcP521);
        var java = $"-providerClass sun.security.pkcs11.SunPKCS11 -providerArg {paths.SunConfig}";
        yield return new SigningToolCommand("jarsigner",
            $"jarsigner -keystore NONE -storetype PKCS11 {java} -storepass none -sigalg {JarSignatureAlgorithm(algorithm)} -tsa {paths.TsaUrl} app.jar {signer}");
        yield return new SigningToolCommand("jarsigner verification, trusting the Signer's root",
            $"keytool -importcert -noprompt -alias codesign-root -file {paths.Root} -keystore truststore.p12 -storepass changeit",
            "jarsigner -verify -strict -keystore truststore.p12 -storepass changeit app.jar");
        // --min-sdk-version 24 lets v1 use SHA-256: below it v1 wants SHA-1, which is refused (CKR_DATA_INVALID).
        yield return new SigningToolCommand("apksigner (the JDK must export SunPKCS11 to it)",
            $"apksigner -J-add-exports=jdk.crypto.cryptoki/sun.security.pkcs11=ALL-UNNAMED sign --provider-class sun.security.pkcs11.SunPKCS11 --provider-arg {paths.SunConfig} --ks NONE --ks-type PKCS11 --ks-pass pass:none --ks-key-alias {signer} --min-sdk-version 24 --out app-signed.apk app.apk",
            "apksigner verify -v --print-certs --min-sdk-version 23 app-signed.apk");
        yield return new SigningToolCommand("osslsigncode (libp11; PE, MSI, CAB; PowerShell scripts, catalogs and APPX need osslsigncode 2.8 or later)",
            $"osslsigncode sign -pkcs11module {paths.Module} -key '{uri}' -certs {paths.Chain} -h sha256 -ts {paths.TsaUrl} -in app.exe -out app-signed.exe",
            $"osslsigncode verify -CAfile {paths.Root} -TSA-CAfile {paths.Root} -in app-signed.exe");
        yield return new SigningToolCommand("openssl (libp11 engine; with --tool openssl: OPENSSL_CONF={paths.OpensslConfig} instead of PKCS11_MODULE_PATH)",
            $"PKCS11_MODULE_PATH={paths.Module} openssl dgst -sha256 -engine pkcs11 -keyform engine -sign '{uri}' -out file.sig file");
        yield return new SigningToolCommand("sbsign (UEFI, libp11 engine)",
            $"PKCS11_MODULE_PATH={paths.Module} sbsign --engine pkcs11 --key '{uri}' --cert {paths.Chain} --addcert {paths.Chain} --output app-signed.efi app.efi",
            $"sbverify --cert {paths.Root} app-signed.efi");
        if (rsa)
        {
            yield return new SigningToolCommand($"gpg through gnupg-pkcs11-scd (after --tool gpg): an OpenPGP key on the card key, then a detached signature",
                $"export GNUPGHOME={paths.GnupgHome}",
                $"grip=$(gpg-connect-agent 'SCD LEARN --force' 'LEARN --sendinfo' /bye | awk '$2 == \"KEY-FRIEDNLY\" && / on {signer}$/ {{ print $3; exit }}')",
                $"printf 'Key-Type: RSA\\nKey-Grip: %s\\nKey-Usage: sign\\nName-Real: {signer}\\nExpire-Date: 0\\n%%commit\\n' \"$grip\" | gpg --batch --gen-key",
                $"gpg --local-user {signer} --detach-sign file");
            yield return new SigningToolCommand("rpm (through gpg, as above)",
                $"rpm --define '__gpg /usr/bin/gpg' --define '_gpg_name {signer}' --define '_gpg_digest_algo sha256' --addsign package.rpm");
            yield return new SigningToolCommand("debsigs (through gpg, as above; gpg.conf's SHA-256 preference keeps its gpg --openpgp off SHA-1)",
                $"debsigs --sign=origin --default-key={signer} package.deb");
            yield return new SigningToolCommand("skopeo (simple signing through gpg, as above)",
                $"skopeo copy --sign-by \"$(gpg --with-colons --list-keys {signer} | awk -F: '$1 == \"fpr\" {{ print $10; exit }}')\" --sign-identity registry.example/app:1 oci:image:1 dir:signed-image");
        }
        else
        {
            yield return new SigningToolCommand("gpg, rpm, debsigs, skopeo: not for this Signer", "gnupg-pkcs11-scd 0.10 offers RSA keys only");
        }

        yield return new SigningToolCommand("p11-kit (after --tool p11-kit; as a user other than root, whose p11-kit ignores per-user module files)",
            $"pkcs11-tool --module /usr/lib/$(uname -m)-linux-gnu/p11-kit-proxy.so --token-label {signer} --sign --mechanism {Pkcs11ToolMechanism(algorithm)} --label {signer} --input-file file --output-file file.sig");
        yield return new SigningToolCommand("sign-file (kernel modules): needs OpenSSL 3's pkcs11-provider, see docs/clients/sign-file.md",
            $"OPENSSL_CONF=openssl-provider.cnf /usr/src/linux-headers-$(uname -r)/scripts/sign-file sha256 '{uri}' {paths.Chain} module.ko");
    }

    private static string Pkcs11ToolMechanism(KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.EcP256 => "ECDSA-SHA256 --signature-format openssl",
        KeyAlgorithm.EcP384 => "ECDSA-SHA384 --signature-format openssl",
        KeyAlgorithm.EcP521 => "ECDSA-SHA512 --signature-format openssl",
        _ => "SHA256-RSA-PKCS",
    };

    private static string JarSignatureAlgorithm(KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.EcP256 => "SHA256withECDSA",
        KeyAlgorithm.EcP384 => "SHA384withECDSA",
        KeyAlgorithm.EcP521 => "SHA512withECDSA",
        _ => "SHA256withRSA",
    };
}
