using System.Security.Cryptography;
using CodeSigning.Cli.Commands;
using CodeSigning.Cli.Output;
using CodeSigning.Cli.Parsing;
using CodeSigning.V1;

namespace CodeSigning.Cli.Tests;

public sealed class FormatTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("", "")]
    public void Csv_quotes_exactly_the_fields_RFC_4180_requires(string field, string expected) =>
        Assert.Equal(expected, Csv.Quote(field));

    [Fact]
    public void Csv_records_end_in_CRLF()
    {
        using var writer = new StringWriter();
        Csv.WriteRecord(writer, ["1", "a,b"]);
        Assert.Equal("1,\"a,b\"\r\n", writer.ToString());
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("15m", 900)]
    [InlineData("8h", 28800)]
    [InlineData("30d", 2592000)]
    public void Durations_read_as_people_write_them(string text, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), DurationText.Parse(text, "x"));
        Assert.Equal(text, DurationText.Format(TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void Enum_names_come_from_the_contract()
    {
        Assert.Equal("rsa-3072", EnumText<KeyAlgorithm>.Format(KeyAlgorithm.Rsa3072));
        Assert.Equal(KeyAlgorithm.EcP384, EnumText<KeyAlgorithm>.Parse("EC-P384", "x"));
        Assert.Equal("administrator, operator, auditor", EnumText<Role>.Choices);
        Assert.Equal("rsa-pkcs1-v1-5, rsa-pss, ecdsa", EnumText<SignatureScheme>.Choices);
    }

    [Theory]
    [InlineData("alice", PrincipalKind.User, "alice")]
    [InlineData("sa:ci-bot", PrincipalKind.ServiceAccount, "ci-bot")]
    [InlineData("service-account:ci-bot", PrincipalKind.ServiceAccount, "ci-bot")]
    [InlineData("group:release", PrincipalKind.Group, "release")]
    public void Principals_parse_by_kind(string text, PrincipalKind kind, string name)
    {
        var principal = PrincipalText.Parse(text);
        Assert.Equal(kind, principal.Kind);
        Assert.Equal(name, principal.Name);
    }

    /// <summary>The documented ECDSA format: the server's raw r||s becomes DER that openssl verifies.</summary>
    [Theory]
    [InlineData("prime256v1", 256)]
    [InlineData("secp384r1", 384)]
    public async Task Ecdsa_signatures_are_written_as_DER_that_openssl_verifies(string curveName, int bits)
    {
        using var directory = new TempDirectory();
        using var key = ECDsa.Create(bits == 256 ? ECCurve.NamedCurves.nistP256 : ECCurve.NamedCurves.nistP384);
        await File.WriteAllTextAsync(directory.File("key.pem"), key.ExportSubjectPublicKeyInfoPem());
        var digestName = bits == 256 ? "-sha256" : "-sha384";
        // Enough signatures that some r or s start with zero or high bits: the cases DER encodes differently.
        for (var i = 0; i < 20; i++)
        {
            var data = System.Text.Encoding.UTF8.GetBytes($"{curveName} message {i}");
            await File.WriteAllBytesAsync(directory.File("data"), data);
            var raw = key.SignData(data, bits == 256 ? HashAlgorithmName.SHA256 : HashAlgorithmName.SHA384, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            await File.WriteAllBytesAsync(directory.File("data.sig"), SignCommand.EcdsaToDer(raw));

            var (exitCode, output) = await ExternalTool.RunAsync("openssl", "dgst", digestName, "-verify", directory.File("key.pem"), "-signature", directory.File("data.sig"), directory.File("data"));

            Assert.True(exitCode == 0, output);
            Assert.Contains("Verified OK", output, StringComparison.Ordinal);
        }
    }
}
