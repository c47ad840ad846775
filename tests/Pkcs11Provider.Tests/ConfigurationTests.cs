using CodeSigning.Pkcs11.Configuration;
using CodeSigning.Pkcs11.Cryptoki;

namespace CodeSigning.Pkcs11.Tests;

[Collection(ProviderCollection.Name)]
public sealed class ConfigurationTests(FakeServerFixture fixture) : ProviderTestBase(fixture)
{
    [Fact]
    public void The_explicit_path_wins_then_the_environment_then_home_then_etc()
    {
        var home = Directory.CreateSubdirectory("home").FullName;
        var homeFile = Path.Combine(home, ".config", "codesign", "pkcs11.json");
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(homeFile)!);
        File.WriteAllText(homeFile, "{}");
        var environment = new Dictionary<string, string> { ["HOME"] = home };

        Assert.Equal("/explicit.json", ConfigurationLoader.Locate("/explicit.json", environment.GetValueOrDefault));
        Assert.Equal(homeFile, ConfigurationLoader.Locate(null, environment.GetValueOrDefault));
        environment[ConfigurationLoader.ConfigVariable] = "/from-env.json";
        Assert.Equal("/from-env.json", ConfigurationLoader.Locate(null, environment.GetValueOrDefault));
    }

    [Fact]
    public void Environment_overrides_servers_and_api_key()
    {
        var path = WriteConfig(Config());
        var environment = new Dictionary<string, string>
        {
            [ConfigurationLoader.ServerVariable] = "https://a:8443, https://b:8443",
            [ConfigurationLoader.ApiKeyVariable] = "csk_from_env",
        };

        var configuration = ConfigurationLoader.Load(path, environment.GetValueOrDefault);

        Assert.Equal(["https://a:8443", "https://b:8443"], configuration.Servers);
        Assert.Equal("csk_from_env", configuration.Auth!.ApiKey);
    }

    [Fact]
    public void A_file_with_an_api_key_readable_by_others_is_refused_and_nothing_initializes()
    {
        var path = WriteConfig(Config(), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var failure = Assert.Throws<Pkcs11Exception>(() => Provider.Initialize(new InitializeOptions(false, false, path), _ => null, TimeProvider.System));

        Assert.Equal(CKR.CKR_GENERAL_ERROR, failure.Result);
        Assert.Contains(path, failure.Message, StringComparison.Ordinal);
        Assert.Contains("chmod 600", failure.Message, StringComparison.Ordinal);
        Assert.False(Provider.IsInitialized);
    }

    [Fact]
    public void An_api_key_file_readable_by_group_is_refused()
    {
        var keyFile = Path.Combine(Directory.FullName, "key");
        File.WriteAllText(keyFile, FakeServerFixture.ApiKey);
        SetMode(keyFile, UnixFileMode.UserRead | UnixFileMode.GroupRead);
        var config = Config();
        config["auth"] = new System.Text.Json.Nodes.JsonObject { ["api_key_file"] = keyFile };

        var failure = Assert.Throws<Pkcs11Exception>(() => Initialize(config));

        Assert.Contains(keyFile, failure.Message, StringComparison.Ordinal);
        Assert.False(Provider.IsInitialized);
    }

    [Theory]
    [InlineData("{ not json", "invalid JSON")]
    [InlineData("{\"servers\": []}", "no server")]
    [InlineData("{\"servers\": [\"ftp://x\"], \"auth\": {\"api_key\": \"k\"}}", "is not an https://")]
    [InlineData("{\"servers\": [\"https://x\"], \"auth\": {\"api_key\": \"k\", \"api_key_file\": \"/f\"}}", "exactly one")]
    [InlineData("{\"servers\": [\"https://x\"]}", "without \"auth\"")]
    [InlineData("{\"servers\": [\"https://x\"], \"auth\": {\"api_key\": \"k\"}, \"colour\": 1}", "invalid JSON")]
    [InlineData("{\"servers\": [\"https://x\"], \"auth\": {\"api_key\": \"k\"}, \"log_level\": \"loud\"}", "log_level")]
    public void An_invalid_file_fails_with_its_path_and_the_problem(string json, string problem)
    {
        var path = Path.Combine(Directory.FullName, "bad.json");
        File.WriteAllText(path, json);
        SetMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var failure = Assert.Throws<Pkcs11Exception>(() => Provider.Initialize(new InitializeOptions(false, false, path), _ => null, TimeProvider.System));

        Assert.Equal(CKR.CKR_GENERAL_ERROR, failure.Result);
        Assert.Contains(path, failure.Message, StringComparison.Ordinal);
        Assert.Contains(problem, failure.Message, StringComparison.Ordinal);
        Assert.False(Provider.IsInitialized);
    }

    [Fact]
    public void A_missing_file_named_explicitly_fails_with_its_path()
    {
        var path = Path.Combine(Directory.FullName, "absent.json");

        var failure = Assert.Throws<Pkcs11Exception>(() => Provider.Initialize(new InitializeOptions(false, false, path), _ => null, TimeProvider.System));

        Assert.Contains(path + ": cannot be read", failure.Message, StringComparison.Ordinal);
    }
}
