using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using CodeSigning.Server.Domain;

namespace CodeSigning.Server.Tests.Auth;

public sealed partial class ApiKeySecretsTests
{
    [GeneratedRegex("^csk_([0-9a-f]{12})_[A-Za-z0-9_-]{43}$")]
    private static partial Regex KeyFormat();

    [Fact]
    public void Generated_key_has_the_documented_format_and_salted_hash()
    {
        var key = ApiKeySecrets.Generate("csk");

        var match = KeyFormat().Match(key.Secret);
        Assert.True(match.Success, key.Secret);
        Assert.Equal(key.Id, match.Groups[1].Value);
        Assert.Equal(16, key.Salt.Length);
        Assert.Equal(SHA256.HashData([.. key.Salt, .. Encoding.UTF8.GetBytes(key.Secret)]), key.Hash);
        Assert.True(ApiKeySecrets.TryParse(key.Secret, out var prefix, out var id));
        Assert.Equal(("csk", key.Id), (prefix, id));
        Assert.True(ApiKeySecrets.Verify(key.Secret, key.Salt, key.Hash));
    }

    [Fact]
    public void Each_key_is_different()
    {
        var first = ApiKeySecrets.Generate("csk");
        var second = ApiKeySecrets.Generate("csk");

        Assert.NotEqual(first.Id, second.Id);
        Assert.NotEqual(first.Secret[17..], second.Secret[17..]);
        Assert.NotEqual(first.Salt, second.Salt);
        Assert.False(ApiKeySecrets.Verify(second.Secret, first.Salt, first.Hash));
    }

    [Fact]
    public void Any_changed_character_fails_verification()
    {
        var key = ApiKeySecrets.Generate("csk");
        for (var i = 0; i < key.Secret.Length; i++)
        {
            var altered = key.Secret.ToCharArray();
            altered[i] = altered[i] == 'a' ? 'b' : 'a';
            Assert.False(ApiKeySecrets.Verify(new string(altered), key.Salt, key.Hash), $"position {i}");
        }
    }

    [Fact]
    public void Wrong_salt_or_hash_fails_verification()
    {
        var key = ApiKeySecrets.Generate("csk");

        Assert.False(ApiKeySecrets.Verify(key.Secret, new byte[16], key.Hash));
        Assert.False(ApiKeySecrets.Verify(key.Secret, key.Salt, new byte[32]));
        Assert.False(ApiKeySecrets.Verify(key.Secret, key.Salt, key.Hash[..31]));
        Assert.False(ApiKeySecrets.Verify(key.Secret, key.Salt, []));
    }

    public static TheoryData<string> Malformed()
    {
        var key = ApiKeySecrets.Generate("csk").Secret;
        return
        [
            "",
            "csk",
            "csk_",
            "_" + key[4..],
            key + "A",
            key[..^1],
            key.Replace("csk_", "CSK_", StringComparison.Ordinal),
            key.Replace("csk_", "c-k_", StringComparison.Ordinal),
            "abcdefghijklmnopq" + key[3..], // prefix of 17 characters
            key[..4] + "ABCDEF012345" + key[16..],
            key[..4] + "abcdefg12345" + key[16..],
            key[..4] + "0123456789ab" + "-" + key[17..],
            key[..^1] + "B", // the two unused bits of the last character are not zero
            key[..^1] + "=",
            " " + key[1..],
            key[..^1] + "\n",
        ];
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_key_is_not_parsed_nor_verified(string presented)
    {
        Assert.False(ApiKeySecrets.TryParse(presented, out var prefix, out var id));
        Assert.Equal(("", ""), (prefix, id));
        Assert.False(ApiKeySecrets.Verify(presented, new byte[16], new byte[32]));
    }

    [Fact]
    public void Null_is_not_parsed_nor_verified()
    {
        Assert.False(ApiKeySecrets.TryParse(null!, out _, out _));
        Assert.False(ApiKeySecrets.Verify(null!, new byte[16], new byte[32]));
    }

    [Fact]
    public void Mutated_input_never_throws_nor_parses_off_format()
    {
        var random = new Random(20261123);
        var key = ApiKeySecrets.Generate("csk").Secret;
        for (var i = 0; i < 2000; i++)
        {
            var chars = key.ToCharArray();
            var length = random.Next(0, chars.Length + 3);
            var mutated = new char[length];
            for (var j = 0; j < length; j++)
            {
                mutated[j] = j < chars.Length && random.Next(8) != 0 ? chars[j] : (char)random.Next(0, 0x3000);
            }
            var presented = new string(mutated);
            if (ApiKeySecrets.TryParse(presented, out _, out _))
            {
                Assert.Matches(KeyFormat(), presented);
            }
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("CSK")]
    [InlineData("cs_k")]
    [InlineData("abcdefghijklmnopq")]
    public void Bad_prefix_is_refused(string prefix)
    {
        Assert.Throws<ArgumentException>(() => ApiKeySecrets.Generate(prefix));
    }
}
