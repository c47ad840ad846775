using System.Diagnostics;
using System.Formats.Asn1;
using System.Security.Cryptography;
using CodeSigning.Pkcs11.Native.Tests;
using CodeSigning.V1;
using static CodeSigning.Ksp.Cng.SECURITY_STATUS;

namespace CodeSigning.Ksp.Native.Tests;

/// <summary>
/// NCryptSignHash through the function table with the real server, each signature verified by
/// openssl with the public key of the certificate the KSP hands out (NCRYPT_CERTIFICATE_PROPERTY).
/// </summary>
[Collection(KspCollection.Name)]
public sealed class SignHashTests(RealServerFixture real)
{
    [Theory]
    [InlineData("real-rsa", "pkcs1", "SHA256", 256)]
    [InlineData("real-rsa", "pkcs1", "SHA512", 256)]
    [InlineData("real-rsa", "pss", "SHA256", 256)]
    [InlineData("real-rsa", "pss", "SHA384", 256)]
    [InlineData("real-p256", "ecdsa", "SHA256", 64)]
    [InlineData("real-p256", "ecdsa", "SHA384", 64)]
    public Task Signs_and_openssl_verifies_with_the_Signer_certificate(string key, string padding, string hash, int length) =>
        SignAndVerifyAsync(key, key == real.Rsa.Name ? real.Rsa.Id : real.P256.Id, padding, hash, length);

    [Fact]
    public async Task A_P521_key_signs_132_bytes_of_r_and_s_that_openssl_verifies()
    {
        using var admin = real.Admin();
        var signer = await new SignerService.SignerServiceClient(admin).CreateSignerAsync(RealServerFixture.NewSigner("ksp-p521", KeyAlgorithm.EcP521));
        try
        {
            await SignAndVerifyAsync(signer.Name, signer.Id, "ecdsa", "SHA512", 132);
            Assert.Equal("ksp-p521|ECDSA_P521|0|0", Assert.Single(KspDriver.Run(real, ["enum"]).Lines, l => l.StartsWith("key ksp-p521|", StringComparison.Ordinal))[4..]);
        }
        finally
        {
            // The other classes of the collection expect the operator to see the fixture's two Signers only.
            await new MemberService.MemberServiceClient(admin).RemoveMemberAsync(new RemoveMemberRequest
            {
                Signer = signer.Name,
                Principal = new PrincipalRef { Kind = PrincipalKind.User, Name = RealServerFixture.Operator },
            });
        }
    }

    private async Task SignAndVerifyAsync(string key, string signerId, string padding, string hash, int length)
    {
        real.WriteConfig(real.Config());
        var dir = Directory.CreateTempSubdirectory("ksp-sign-").FullName;
        var data = Path.Combine(dir, "data");
        File.WriteAllBytes(data, RandomNumberGenerator.GetBytes(1000));
        var digest = Path.Combine(dir, "digest");
        var algorithm = new HashAlgorithmName(hash);
        File.WriteAllBytes(digest, CryptographicOperations.HashData(algorithm, File.ReadAllBytes(data)));
        var signature = Path.Combine(dir, "signature");
        var certificate = Path.Combine(dir, "cert.der");
        var before = (await Audit.EventsAsync(real, signerId, "signature.created")).Select(e => e.Sequence).ToHashSet();

        var output = KspDriver.Run(real, ["sign", key, padding, hash, digest, signature]);
        KspDriver.Run(real, ["props", key, certificate]);

        Assert.Equal(["0x00000000", length.ToString()], output.Fields("sign-size"));
        Assert.Equal(["0x80090028", length.ToString()], output.Fields("sign-small")); // NTE_BUFFER_TOO_SMALL with the size
        Assert.Equal(["0x00000000", length.ToString()], output.Fields("sign"));
        var publicKey = Path.Combine(dir, "public.pem");
        Openssl("x509", "-inform", "DER", "-in", certificate, "-pubkey", "-noout", "-out", publicKey);
        if (padding == "ecdsa")
        {
            // CNG returns r||s (IEEE P1363); openssl reads the DER ECDSA-Sig-Value.
            File.WriteAllBytes(signature, Der(File.ReadAllBytes(signature)));
        }

        string[] pss = padding == "pss" ? ["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:digest"] : [];
        var verified = Openssl(["dgst", "-" + hash.ToLowerInvariant(), .. pss, "-verify", publicKey, "-signature", signature, data]);
        Assert.Contains("Verified OK", verified, StringComparison.Ordinal);

        // Authorized and audited on the server, as the KSP's client.
        var created = (await Audit.EventsAsync(real, signerId, "signature.created")).Where(e => !before.Contains(e.Sequence)).ToList();
        Assert.StartsWith("codesign-ksp/", Assert.Single(created).Client.Client, StringComparison.Ordinal);
        Directory.Delete(dir, recursive: true);
    }

    internal static string Openssl(params string[] arguments)
    {
        var start = new ProcessStartInfo("openssl", arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var openssl = Process.Start(start)!;
        var output = openssl.StandardOutput.ReadToEnd() + openssl.StandardError.ReadToEnd();
        openssl.WaitForExit();
        Assert.True(openssl.ExitCode == 0, $"openssl {string.Join(' ', arguments)}: {output}");
        return output;
    }

    private static byte[] Der(byte[] rs)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteIntegerUnsigned(Minimal(rs.AsSpan(0, rs.Length / 2)));
            writer.WriteIntegerUnsigned(Minimal(rs.AsSpan(rs.Length / 2)));
        }

        return writer.Encode();
    }

    /// <summary>r or s without the leading zero bytes of its fixed-size field, as DER wants (a P-521 value nearly always has one).</summary>
    private static ReadOnlySpan<byte> Minimal(ReadOnlySpan<byte> value)
    {
        var start = 0;
        while (start < value.Length - 1 && value[start] == 0)
        {
            start++;
        }

        return value[start..];
    }
}
