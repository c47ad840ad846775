using System.CommandLine;
using System.Formats.Asn1;
using System.Security.Cryptography;
using CodeSigning.Cli.Output;
using CodeSigning.Cli.Parsing;
using CodeSigning.V1;
using Google.Protobuf;

namespace CodeSigning.Cli.Commands;

/// <summary>
/// <c>csign sign</c>: a detached signature through the Sign API, for scripts that need no PKCS#11.
/// The file is hashed here; only the digest travels.
/// </summary>
internal static class SignCommand
{
    private const string Details = """
        Writes a detached signature to SIG (default FILE.sig), in the format openssl expects:
          RSA PKCS#1 v1.5 / PSS: the raw signature block (PSS: MGF1 with the same digest, salt = digest length);
          ECDSA: DER Ecdsa-Sig-Value (SEQUENCE of r and s).
        Check it with the Signer's certificate (csign signer show / export-chain):
          openssl x509 -in cert.pem -pubkey -noout > key.pem
          openssl dgst -sha256 -verify key.pem -signature FILE.sig FILE
          (PSS: add -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest)
        --digest-only: FILE already holds the digest (raw bytes or hex), computed elsewhere; it is signed as is.
        Defaults: scheme from the key (RSA: rsa-pkcs1-v1-5, EC: ecdsa); digest sha256 (sha384 for ec-p384, sha512 for ec-p521).

        """;

    public static Command Command() => new Verb("sign", "sign a file or a digest through the Sign API", RunAsync,
        Flags.Text("signer", "the Signer to sign with", "SIGNER"),
        Flags.Text("in", "the file to sign", "FILE"),
        Flags.Text("out", "where to write the detached signature (default FILE.sig)", "SIG"),
        Flags.Choice<DigestAlgorithm>("digest", "the digest algorithm (default from the key)"),
        Flags.Choice<SignatureScheme>("scheme", "the signature scheme (default from the key)"),
        Flags.Switch("digest-only", "FILE already holds the digest (raw bytes or hex), computed elsewhere"))
    {
        Details = Details,
    };

    private static async Task RunAsync(Invocation invocation)
    {
        var args = invocation.Args;
        var signerName = args.Required("signer", "the Signer to sign with");
        var input = args.Required("in", "the file to sign");
        var output = args.Option("out") ?? input + ".sig";
        var digestOnly = args.Flag("digest-only");
        var requestedDigest = args.Option("digest") is { } d ? EnumText<DigestAlgorithm>.Parse(d, "--digest") : (DigestAlgorithm?)null;
        var requestedScheme = args.Option("scheme") is { } s ? EnumText<SignatureScheme>.Parse(s, "--scheme") : (SignatureScheme?)null;
        var content = await File.ReadAllBytesAsync(input, invocation.CancellationToken).ConfigureAwait(false);

        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        var ct = invocation.CancellationToken;
        var signer = await SignerCommands.GetAsync(connection, signerName, ct).ConfigureAwait(false);
        var ec = signer.KeyAlgorithm is KeyAlgorithm.EcP256 or KeyAlgorithm.EcP384 or KeyAlgorithm.EcP521;
        var digestAlgorithm = requestedDigest ?? signer.KeyAlgorithm switch
        {
            KeyAlgorithm.EcP384 => DigestAlgorithm.Sha384,
            KeyAlgorithm.EcP521 => DigestAlgorithm.Sha512,
            _ => DigestAlgorithm.Sha256,
        };
        var request = new SignRequest
        {
            Signer = signer.Id,
            Scheme = requestedScheme ?? (ec ? SignatureScheme.Ecdsa : SignatureScheme.RsaPkcs1V15),
            DigestAlgorithm = digestAlgorithm,
            Digest = ByteString.CopyFrom(digestOnly ? DigestFromFile(content, digestAlgorithm, input) : Hash(digestAlgorithm, content)),
            Client = new ClientContext
            {
                Host = Environment.MachineName,
                Process = "csign",
                Pid = Environment.ProcessId,
                Client = $"csign/{typeof(SignCommand).Assembly.GetName().Version?.ToString(3)}",
                CorrelationId = Guid.NewGuid().ToString("N"),
            },
        };
        var response = await connection.Signing.SignAsync(request, cancellationToken: ct).ConfigureAwait(false);
        var signature = request.Scheme == SignatureScheme.Ecdsa ? EcdsaToDer(response.Signature.Span) : response.Signature.ToByteArray();
        await File.WriteAllBytesAsync(output, signature, ct).ConfigureAwait(false);
        invocation.Printer.Print(
            response,
            ("signature", output),
            ("signer", signer.Name),
            ("scheme", EnumText<SignatureScheme>.Format(request.Scheme)),
            ("digest", $"{EnumText<DigestAlgorithm>.Format(digestAlgorithm)} {Convert.ToHexStringLower(request.Digest.Span)}"),
            ("audit event", response.AuditEventId),
            ("grant", response.GrantId.Length == 0 ? null : $"{response.GrantId} ({response.GrantSignaturesRemaining} signatures left)"));
    }

    private static byte[] Hash(DigestAlgorithm algorithm, byte[] content) => algorithm switch
    {
        DigestAlgorithm.Sha1 => SHA1.HashData(content),
        DigestAlgorithm.Sha256 => SHA256.HashData(content),
        DigestAlgorithm.Sha384 => SHA384.HashData(content),
        DigestAlgorithm.Sha512 => SHA512.HashData(content),
        _ => throw CliException.Usage($"csign cannot compute {EnumText<DigestAlgorithm>.Format(algorithm)} locally; use sha256, sha384 or sha512"),
    };

    private static int DigestLength(DigestAlgorithm algorithm) => algorithm switch
    {
        DigestAlgorithm.Sha1 => 20,
        DigestAlgorithm.Sha224 => 28,
        DigestAlgorithm.Sha256 => 32,
        DigestAlgorithm.Sha384 => 48,
        _ => 64,
    };

    /// <summary>A digest given as a file: its raw bytes, or hex text (what sha256sum and openssl print).</summary>
    private static byte[] DigestFromFile(byte[] content, DigestAlgorithm algorithm, string path)
    {
        var length = DigestLength(algorithm);
        if (content.Length == length)
        {
            return content;
        }

        var text = System.Text.Encoding.ASCII.GetString(content).Trim().Split(' ', 2)[0];
        if (text.Length == 2 * length && text.All(Uri.IsHexDigit))
        {
            return Convert.FromHexString(text);
        }

        throw CliException.Usage($"{path} holds no {EnumText<DigestAlgorithm>.Format(algorithm)} digest ({length} bytes, or {2 * length} hex digits)");
    }

    /// <summary>The server's raw r||s as the DER SEQUENCE { r INTEGER, s INTEGER } that openssl and X.509 tools expect.</summary>
    public static byte[] EcdsaToDer(ReadOnlySpan<byte> rs)
    {
        var half = rs.Length / 2;
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            // DER integers are minimal: the curve-size left padding goes, a sign byte comes back if needed.
            writer.WriteIntegerUnsigned(rs[..half].TrimStart((byte)0));
            writer.WriteIntegerUnsigned(rs[half..].TrimStart((byte)0));
        }

        return writer.Encode();
    }
}
