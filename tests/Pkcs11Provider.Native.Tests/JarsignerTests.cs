using CodeSigning.Pkcs11.Tokens;

namespace CodeSigning.Pkcs11.Native.Tests;

/// <summary>jarsigner signing through SunPKCS11 with the published module, then verifying the JAR.</summary>
[Collection(NativeModuleCollection.Name)]
public sealed class JarsignerTests(NativeServerFixture fixture)
{
    private static readonly Dictionary<string, string> NoEnvironment = [];

    [Theory]
    [InlineData("native-rsa", "SHA256withRSA")]
    [InlineData("native-p256", "SHA256withECDSA")]
    public void Jarsigner_signs_through_SunPKCS11_and_the_jar_verifies(string signer, string algorithm)
    {
        fixture.Server.SignRequests.Clear();
        var work = fixture.Directory.CreateSubdirectory($"jar-{signer}");
        File.WriteAllText(Path.Combine(work.FullName, "hello.txt"), "hello from the build\n");
        var jar = Path.Combine(work.FullName, "app.jar");
        Run("jar", NoEnvironment, "cf", jar, "-C", work.FullName, "hello.txt");
        var signerId = signer == "native-rsa" ? fixture.Rsa.Id : fixture.P256.Id;
        var providerConfig = Path.Combine(work.FullName, "sunpkcs11.cfg");
        File.WriteAllText(providerConfig, $"name = CodeSigning\nlibrary = {NativeModule.Path}\nslot = {SlotIds.Derive(signerId)}\n");

        Run("jarsigner", new Dictionary<string, string> { ["CODESIGN_PKCS11_CONFIG"] = fixture.ConfigPath },
            "-keystore", "NONE", "-storetype", "PKCS11", "-addprovider", "SunPKCS11", "-providerArg", providerConfig,
            "-storepass", "ignored", "-sigalg", algorithm, jar, signer);
        var verified = Run("jarsigner", NoEnvironment, "-verify", "-certs", jar);

        Assert.Contains("jar verified.", verified.StandardOutput);
        var request = Assert.Single(fixture.Server.SignRequests);
        Assert.Equal(signerId, request.Signer);
        Assert.Contains(request.Client.CorrelationId, fixture.Log(), StringComparison.Ordinal);
    }

    private ToolProcess.Result Run(string tool, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var result = ToolProcess.Run(tool, environment, arguments);
        Assert.True(result.ExitCode == 0, $"{tool} {string.Join(' ', arguments)} exited {result.ExitCode}: {result.StandardError}\n{result.StandardOutput}\n{fixture.Log()}");
        return result;
    }
}
