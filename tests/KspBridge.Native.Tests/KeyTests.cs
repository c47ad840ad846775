using System.Buffers.Binary;
using System.Security.Cryptography;
using CodeSigning.Ksp.Cng;
using CodeSigning.Pkcs11.Native.Tests;
using CodeSigning.V1;
using static CodeSigning.Ksp.Cng.SECURITY_STATUS;

namespace CodeSigning.Ksp.Native.Tests;

/// <summary>Enumeration, opening and properties through the function table, as ncrypt.dll calls them.</summary>
[Collection(KspCollection.Name)]
public sealed class KeyTests(RealServerFixture real)
{
    [Fact]
    public async Task EnumKeys_lists_one_key_per_Signer_the_credential_sees_then_NTE_NO_MORE_ITEMS()
    {
        // A Signer the operator is no member of: invisible to the KSP's credential.
        using var admin = real.Admin();
        var hidden = RealServerFixture.NewSigner("ksp-hidden", KeyAlgorithm.EcP256);
        hidden.Members.RemoveAt(1);
        await new SignerService.SignerServiceClient(admin).CreateSignerAsync(hidden);
        real.WriteConfig(real.Config());

        var output = KspDriver.Run(real, ["enum"]);

        Assert.Equal(["3.0"], output.Fields("interface")[1..]);
        var keys = output.Lines.Where(l => l.StartsWith("key ", StringComparison.Ordinal)).Select(l => l[4..]).Order().ToList();
        Assert.Equal(["real-p256|ECDSA_P256|0|0", "real-rsa|RSA|0|0"], keys);
        Assert.All(output.Lines.Where(l => l.StartsWith("free-name ", StringComparison.Ordinal)), l => Assert.Equal("free-name 0x00000000", l));
        Assert.Equal(NTE_NO_MORE_ITEMS, output.Status("enum-end"));
        Assert.Equal(ERROR_SUCCESS, output.Status("free-state"));
        Assert.Equal(NTE_INVALID_PARAMETER, output.Status("free-state-again"));
        Assert.Equal(ERROR_SUCCESS, output.Status("free-provider"));
    }

    [Fact]
    public void Properties_answer_size_queries_and_too_small_buffers_as_CNG_specifies()
    {
        real.WriteConfig(real.Config());
        var certificate = Path.Combine(real.Directory.FullName, "rsa-cert.der");

        var rsa = Properties(KspDriver.Run(real, ["props", real.Rsa.Name, certificate]));

        Assert.Equal("CodeSigning Key Storage Provider", rsa[("provider-prop", "Name")]);
        Assert.Equal("65536", rsa[("provider-prop", "Version")]);
        Assert.Equal("1", rsa[("provider-prop", "Impl Type")]);
        Assert.Equal("real-rsa", rsa[("prop", "Name")]);
        Assert.Equal(real.Rsa.Id, rsa[("prop", "Unique Name")]);
        Assert.Equal("RSA", rsa[("prop", "Algorithm Group")]);
        Assert.Equal("RSA", rsa[("prop", "Algorithm Name")]);
        Assert.Equal("2048", rsa[("prop", "Length")]);
        Assert.Equal("2", rsa[("prop", "Key Usage")]);
        Assert.Equal("0", rsa[("prop", "Export Policy")]);
        Assert.Equal("0", rsa[("prop", "Key Type")]);
        Assert.False(rsa.ContainsKey(("prop", "ECCCurveName")));
        Assert.Equal(real.Rsa.CertificateChain[0].ToByteArray(), File.ReadAllBytes(certificate));

        var p256 = Properties(KspDriver.Run(real, ["props", real.P256.Name, certificate]));

        Assert.Equal("ECDSA", p256[("prop", "Algorithm Group")]);
        Assert.Equal("ECDSA_P256", p256[("prop", "Algorithm Name")]);
        Assert.Equal("256", p256[("prop", "Length")]);
        Assert.Equal("nistP256", p256[("prop", "ECCCurveName")]);
        Assert.Equal(real.P256.CertificateChain[0].ToByteArray(), File.ReadAllBytes(certificate));
    }

    [Fact]
    public void The_public_blob_is_the_Signer_public_key_in_BCRYPT_layout()
    {
        real.WriteConfig(real.Config());
        var certificate = Path.Combine(real.Directory.FullName, "blob-cert.der");

        var rsaBlob = Convert.FromHexString(KspDriver.Run(real, ["props", real.Rsa.Name, certificate]).Fields("public-blob")[1]);
        var ecBlob = Convert.FromHexString(KspDriver.Run(real, ["props", real.P256.Name, certificate]).Fields("public-blob")[1]);

        using var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(real.Rsa.PublicKey.ToByteArray(), out _);
        var parameters = rsa.ExportParameters(false);
        Assert.Equal(0x31415352u, BinaryPrimitives.ReadUInt32LittleEndian(rsaBlob)); // BCRYPT_RSAPUBLIC_MAGIC
        Assert.Equal(2048u, BinaryPrimitives.ReadUInt32LittleEndian(rsaBlob.AsSpan(4)));
        Assert.Equal([.. parameters.Exponent!, .. parameters.Modulus!], rsaBlob[24..]);

        using var ec = ECDsa.Create();
        ec.ImportSubjectPublicKeyInfo(real.P256.PublicKey.ToByteArray(), out _);
        var q = ec.ExportParameters(false).Q;
        Assert.Equal(0x31534345u, BinaryPrimitives.ReadUInt32LittleEndian(ecBlob)); // BCRYPT_ECDSA_PUBLIC_P256_MAGIC
        Assert.Equal(32u, BinaryPrimitives.ReadUInt32LittleEndian(ecBlob.AsSpan(4)));
        Assert.Equal([.. q.X!, .. q.Y!], ecBlob[8..]);
    }

    /// <summary>
    /// The "prop|NAME|query|size|small|small-size|untouched|status|value" lines, each checked for
    /// CNG's output rules; the values of the properties the key has.
    /// </summary>
    private static Dictionary<(string, string), string> Properties(KspDriver.Output output)
    {
        var values = new Dictionary<(string, string), string>();
        foreach (var line in output.Lines.Where(l => l.StartsWith("prop|", StringComparison.Ordinal) || l.StartsWith("provider-prop|", StringComparison.Ordinal)))
        {
            var f = line.Split('|');
            var query = (SECURITY_STATUS)Convert.ToUInt32(f[2], 16);
            if (query == NTE_NOT_SUPPORTED)
            {
                continue;
            }

            Assert.True(query == ERROR_SUCCESS && int.Parse(f[3]) > 0, line);
            Assert.True((SECURITY_STATUS)Convert.ToUInt32(f[4], 16) == NTE_BUFFER_TOO_SMALL, $"too small a buffer: {line}");
            Assert.True(f[5] == f[3], $"NTE_BUFFER_TOO_SMALL reports the size: {line}");
            Assert.True(f[6] == "1", $"NTE_BUFFER_TOO_SMALL writes nothing: {line}");
            Assert.True((SECURITY_STATUS)Convert.ToUInt32(f[7], 16) == ERROR_SUCCESS, line);
            values[(f[0], f[1])] = f[8];
        }

        Assert.Equal(ERROR_SUCCESS, output.Status("free-key"));
        Assert.Equal(ERROR_SUCCESS, output.Status("free-provider"));
        return values;
    }
}
