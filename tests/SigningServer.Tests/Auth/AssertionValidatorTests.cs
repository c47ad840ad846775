using System.Security.Cryptography;
using System.Text.Json;
using CodeSigning.Server.Auth;
using CodeSigning.V1;

namespace CodeSigning.Server.Tests.Auth;

public sealed class AssertionValidatorTests(AssertionKeys keys) : IClassFixture<AssertionKeys>
{
    private const string ClientId = AssertionKeys.ClientId;
    private const string Audience = AssertionKeys.Audience;
    private const string AudienceJson = $"\"{Audience}\"";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private static readonly long NowSeconds = Now.ToUnixTimeSeconds();

    public static TheoryData<string, string?, string> Signers() => new()
    {
        { "rsa", "rsa", "RS256" },
        { "rsa", null, "RS256" },
        { "p256", "p256", "ES256" },
        { "p256", null, "ES256" },
        { "p384", "p384", "ES384" },
        { "p384", null, "ES384" },
    };

    [Theory]
    [MemberData(nameof(Signers))]
    public void Created_assertion_validates(string key, string? keyId, string algorithm)
    {
        var jwt = ServiceAccountAssertion.Create(ClientId, keyId, Key(key), Audience, TimeSpan.FromMinutes(5), Now);

        var result = AssertionValidator.Validate(jwt, Audience, keys.KeysOf, Now);

        Assert.Equal(ClientId, result.ClientId);
        Assert.Equal(key, result.KeyId);
        Assert.Equal(Now.AddMinutes(5), result.ExpiresAt);
        Assert.Equal(16, Convert.FromBase64String(result.Jti.Replace('-', '+').Replace('_', '/') + "==").Length);
        using var header = JsonDocument.Parse(Jws.DecodeJson(jwt.Split('.')[0]));
        Assert.Equal(algorithm, header.RootElement.GetProperty("alg").GetString());
        Assert.Equal(keyId, header.RootElement.TryGetProperty("kid", out var kid) ? kid.GetString() : null);
    }

    [Fact]
    public void Created_assertion_carries_the_documented_claims()
    {
        var jwt = ServiceAccountAssertion.Create(ClientId, "p256", keys.P256, Audience, TimeSpan.FromSeconds(120), Now);

        using var payload = JsonDocument.Parse(Jws.DecodeJson(jwt.Split('.')[1]));
        var claims = payload.RootElement;
        Assert.Equal(ClientId, claims.GetProperty("iss").GetString());
        Assert.Equal(ClientId, claims.GetProperty("sub").GetString());
        Assert.Equal(Audience, claims.GetProperty("aud").GetString());
        Assert.Equal(NowSeconds, claims.GetProperty("iat").GetInt64());
        Assert.Equal(NowSeconds + 120, claims.GetProperty("exp").GetInt64());
        Assert.NotEqual(
            claims.GetProperty("jti").GetString(),
            AssertionValidator.Validate(ServiceAccountAssertion.Create(ClientId, null, keys.P256, Audience, TimeSpan.FromSeconds(120), Now), Audience, keys.KeysOf, Now).Jti);
    }

    [Fact]
    public void Ps256_is_accepted()
    {
        var jwt = Jws.Sign("""{"alg":"PS256","kid":"rsa"}""", Jws.Claims(ClientId, AudienceJson, NowSeconds, NowSeconds + 60),
            data => keys.Rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pss));

        Assert.Equal("rsa", AssertionValidator.Validate(jwt, Audience, keys.KeysOf, Now).KeyId);
    }

    [Fact]
    public void Audience_array_containing_the_server_is_accepted()
    {
        var jwt = Jws.Sign("""{"alg":"ES256"}""", Jws.Claims(ClientId, $"[\"other\",\"{Audience}\"]", NowSeconds, NowSeconds + 60), Jws.Es256(keys.P256));

        Assert.Equal("p256", AssertionValidator.Validate(jwt, Audience, keys.KeysOf, Now).KeyId);
    }

    [Fact]
    public void Tampered_payload_is_refused()
    {
        var jwt = ServiceAccountAssertion.Create(ClientId, "p256", keys.P256, Audience, TimeSpan.FromMinutes(1), Now);
        var parts = jwt.Split('.');
        var payload = Jws.DecodeJson(parts[1]).Replace($"\"exp\":{NowSeconds + 60}", $"\"exp\":{NowSeconds + 120}", StringComparison.Ordinal);
        Assert.Contains($"{NowSeconds + 120}", payload, StringComparison.Ordinal);

        AssertRefused($"{parts[0]}.{Jws.Encode(payload)}.{parts[2]}", "The assertion's ES256 signature does not verify with key 'p256' of client 'build-bot'.");
    }

    [Fact]
    public void Wrong_audience_is_refused()
    {
        var jwt = ServiceAccountAssertion.Create(ClientId, null, keys.P256, "codesigning:another-server", TimeSpan.FromMinutes(1), Now);

        AssertRefused(jwt, $"The assertion is for another audience; set aud to '{Audience}' (ServerInfo.token_audience).");
    }

    [Fact]
    public void Audience_array_without_the_server_is_refused()
    {
        var jwt = Jws.Sign("""{"alg":"ES256"}""", Jws.Claims(ClientId, "[\"other\",42]", NowSeconds, NowSeconds + 60), Jws.Es256(keys.P256));

        AssertRefused(jwt, $"The assertion is for another audience; set aud to '{Audience}' (ServerInfo.token_audience).");
    }

    [Fact]
    public void Expired_assertion_is_refused_after_the_skew()
    {
        var jwt = ServiceAccountAssertion.Create(ClientId, null, keys.P256, Audience, TimeSpan.FromMinutes(1), Now);

        Assert.Equal(ClientId, AssertionValidator.Validate(jwt, Audience, keys.KeysOf, Now.AddSeconds(60 + 29)).ClientId);
        var error = Assert.Throws<AssertionException>(() => AssertionValidator.Validate(jwt, Audience, keys.KeysOf, Now.AddSeconds(60 + 30)));
        Assert.StartsWith($"The assertion expired at {Now.AddSeconds(60):u}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Assertion_from_the_future_is_refused_beyond_the_skew()
    {
        var jwt = ServiceAccountAssertion.Create(ClientId, null, keys.P256, Audience, TimeSpan.FromMinutes(1), Now.AddSeconds(31));

        Assert.Equal(ClientId, AssertionValidator.Validate(jwt, Audience, keys.KeysOf, Now.AddSeconds(1)).ClientId);
        var error = Assert.Throws<AssertionException>(() => AssertionValidator.Validate(jwt, Audience, keys.KeysOf, Now));
        Assert.StartsWith("The assertion is issued in the future", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lifetime_over_five_minutes_is_refused()
    {
        var atLimit = ServiceAccountAssertion.Create(ClientId, null, keys.P256, Audience, TimeSpan.FromSeconds(300), Now);
        var tooLong = ServiceAccountAssertion.Create(ClientId, null, keys.P256, Audience, TimeSpan.FromSeconds(301), Now);

        Assert.Equal(ClientId, AssertionValidator.Validate(atLimit, Audience, keys.KeysOf, Now).ClientId);
        AssertRefused(tooLong, "The assertion is valid for 301 s; at most 300 s is accepted.");
    }

    [Fact]
    public void Expiry_before_issue_is_refused()
    {
        var jwt = Jws.Sign("""{"alg":"ES256"}""", Jws.Claims(ClientId, AudienceJson, NowSeconds, NowSeconds), Jws.Es256(keys.P256));

        AssertRefused(jwt, "The assertion's exp must be after its iat.");
    }

    [Fact]
    public void Unregistered_key_is_refused()
    {
        AssertRefused(ServiceAccountAssertion.Create(ClientId, null, keys.Stranger, Audience, TimeSpan.FromMinutes(1), Now),
            "The assertion's ES256 signature does not verify with any registered key of client 'build-bot'.");
        AssertRefused(ServiceAccountAssertion.Create(ClientId, "p256", keys.Stranger, Audience, TimeSpan.FromMinutes(1), Now),
            "The assertion's ES256 signature does not verify with key 'p256' of client 'build-bot'.");
        AssertRefused(ServiceAccountAssertion.Create(ClientId, "old", keys.P256, Audience, TimeSpan.FromMinutes(1), Now),
            "The key 'old' is not registered for client 'build-bot'.");
    }

    [Fact]
    public void Key_id_naming_another_registered_key_is_refused()
    {
        // p384 is registered, but the assertion was made with p256.
        AssertRefused(ServiceAccountAssertion.Create(ClientId, "p384", keys.P256, Audience, TimeSpan.FromMinutes(1), Now),
            "The assertion's ES256 signature does not verify with key 'p384' of client 'build-bot'.");
    }

    [Fact]
    public void Unknown_client_is_refused()
    {
        AssertRefused(ServiceAccountAssertion.Create("nobody", null, keys.P256, Audience, TimeSpan.FromMinutes(1), Now),
            "The client 'nobody' is unknown or has no registered key.");
    }

    [Fact]
    public void Algorithm_none_is_refused()
    {
        var claims = Jws.Claims(ClientId, AudienceJson, NowSeconds, NowSeconds + 60);

        AssertRefused($"{Jws.Encode("""{"alg":"none"}""")}.{Jws.Encode(claims)}.", "The assertion's algorithm 'none' is not accepted; use RS256, PS256, ES256 or ES384.");
    }

    [Fact]
    public void Hmac_with_the_public_key_as_secret_is_refused()
    {
        // The classic confusion attack: HS256 keyed with the (public) registered key bytes.
        var jwt = Jws.Sign("""{"alg":"HS256","kid":"rsa"}""", Jws.Claims(ClientId, AudienceJson, NowSeconds, NowSeconds + 60),
            data => HMACSHA256.HashData(keys.Rsa.ExportSubjectPublicKeyInfo(), data));

        AssertRefused(jwt, "The assertion's algorithm 'HS256' is not accepted; use RS256, PS256, ES256 or ES384.");
    }

    [Fact]
    public void Der_ecdsa_signature_is_refused()
    {
        var jwt = Jws.Sign("""{"alg":"ES256","kid":"p256"}""", Jws.Claims(ClientId, AudienceJson, NowSeconds, NowSeconds + 60),
            data => keys.P256.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

        AssertRefused(jwt, "The assertion's ES256 signature does not verify with key 'p256' of client 'build-bot'.");
    }

    [Fact]
    public void Algorithm_not_matching_the_key_curve_is_refused()
    {
        var jwt = Jws.Sign("""{"alg":"ES384","kid":"p256"}""", Jws.Claims(ClientId, AudienceJson, NowSeconds, NowSeconds + 60),
            data => keys.P256.SignData(data, HashAlgorithmName.SHA384, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));

        AssertRefused(jwt, "The assertion's ES384 signature does not verify with key 'p256' of client 'build-bot'.");
    }

    [Fact]
    public void Other_curve_of_the_same_size_is_refused()
    {
        using var brainpool = ECDsa.Create(ECCurve.NamedCurves.brainpoolP256r1);
        var jwt = Jws.Sign("""{"alg":"ES256","kid":"bp"}""", Jws.Claims(ClientId, AudienceJson, NowSeconds, NowSeconds + 60), Jws.Es256(brainpool));

        var error = Assert.Throws<AssertionException>(() => AssertionValidator.Validate(jwt, Audience, _ => [new RegisteredKey("bp", brainpool.ExportSubjectPublicKeyInfo())], Now));

        Assert.Equal("The assertion's ES256 signature does not verify with key 'bp' of client 'build-bot'.", error.Message);
        Assert.Throws<NotSupportedException>(() => ServiceAccountAssertion.Create(ClientId, null, brainpool, Audience, TimeSpan.FromMinutes(1), Now));
    }

    [Fact]
    public void Short_rsa_key_is_refused()
    {
        using var weak = RSA.Create(1024);
        var jwt = ServiceAccountAssertion.Create(ClientId, "weak", weak, Audience, TimeSpan.FromMinutes(1), Now);

        var error = Assert.Throws<AssertionException>(() => AssertionValidator.Validate(jwt, Audience, _ => [new RegisteredKey("weak", weak.ExportSubjectPublicKeyInfo())], Now));

        Assert.Equal("The assertion's RS256 signature does not verify with key 'weak' of client 'build-bot'.", error.Message);
    }

    [Theory]
    [InlineData("""{"iss":"build-bot","sub":"other","aud":"codesigning:test-server","iat":1800000000,"exp":1800000060,"jti":"j"}""", "The assertion's sub must equal its iss (the client id).")]
    [InlineData("""{"sub":"build-bot","aud":"codesigning:test-server","iat":1800000000,"exp":1800000060,"jti":"j"}""", "The assertion's payload has no iss, or it is empty.")]
    [InlineData("""{"iss":"build-bot","sub":"build-bot","aud":"codesigning:test-server","iat":1800000000,"exp":1800000060}""", "The assertion's payload has no jti, or it is empty.")]
    [InlineData("""{"iss":"build-bot","sub":"build-bot","aud":"codesigning:test-server","iat":1800000000,"exp":1800000060,"jti":""}""", "The assertion's payload has no jti, or it is empty.")]
    [InlineData("""{"iss":"build-bot","sub":"build-bot","iat":1800000000,"exp":1800000060,"jti":"j"}""", "The assertion has no aud claim; set it to the server's token audience.")]
    [InlineData("""{"iss":"build-bot","sub":"build-bot","aud":7,"iat":1800000000,"exp":1800000060,"jti":"j"}""", "The assertion's aud must be a string or an array of strings.")]
    [InlineData("""{"iss":"build-bot","sub":"build-bot","aud":"codesigning:test-server","exp":1800000060,"jti":"j"}""", "The assertion has no iat claim.")]
    [InlineData("""{"iss":"build-bot","sub":"build-bot","aud":"codesigning:test-server","iat":1800000000,"exp":"1800000060","jti":"j"}""", "The assertion's exp must be a whole number of seconds since 1970.")]
    [InlineData("""{"iss":"build-bot","sub":"build-bot","aud":"codesigning:test-server","iat":1800000000,"exp":1800000060.5,"jti":"j"}""", "The assertion's exp must be a whole number of seconds since 1970.")]
    [InlineData("""{"iss":"build-bot","sub":"build-bot","aud":"codesigning:test-server","iat":-9223372036854775808,"exp":1800000060,"jti":"j"}""", "The assertion's iat must be a whole number of seconds since 1970.")]
    [InlineData("""{"iss":"build-bot","sub":"build-bot","aud":"codesigning:test-server","iat":1800000000,"exp":1800000060,"jti":"j","jti":"k"}""", "The assertion's payload is not valid JSON (or repeats a name).")]
    [InlineData("""{"iss":"build-bot","sub":"build-bot","aud":"codesigning:test-server","iat":1800000000,"exp":1800000060,"jti":"\ud800"}""", "The assertion's jti is not valid text.")]
    [InlineData("""["build-bot"]""", "The assertion's payload is not a JSON object.")]
    public void DefectiveClaimsAreRefused(string payload, string message)
    {
        AssertRefused(Jws.Sign("""{"alg":"ES256"}""", payload, Jws.Es256(keys.P256)), message);
    }

    [Fact]
    public void Jti_of_more_than_128_characters_is_refused()
    {
        var atLimit = Jws.Sign("""{"alg":"ES256"}""", Jws.Claims(ClientId, AudienceJson, NowSeconds, NowSeconds + 60, new string('j', 128)), Jws.Es256(keys.P256));
        var tooLong = Jws.Sign("""{"alg":"ES256"}""", Jws.Claims(ClientId, AudienceJson, NowSeconds, NowSeconds + 60, new string('j', 129)), Jws.Es256(keys.P256));

        Assert.Equal(new string('j', 128), AssertionValidator.Validate(atLimit, Audience, keys.KeysOf, Now).Jti);
        AssertRefused(tooLong, "The assertion's jti is longer than 128 characters.");
    }

    [Theory]
    [InlineData("""{"alg":"ES256","crit":["exp"]}""", "The assertion's header has critical extensions (crit), which the server does not support.")]
    [InlineData("""{"alg":"ES256","kid":5}""", "The assertion's header kid must be a string.")]
    [InlineData("""{"kid":"p256"}""", "The assertion's header has no alg, or it is empty.")]
    [InlineData("""{"alg":"ES256","alg":"none"}""", "The assertion's header is not valid JSON (or repeats a name).")]
    [InlineData("""{"alg":"ES512"}""", "The assertion's algorithm 'ES512' is not accepted; use RS256, PS256, ES256 or ES384.")]
    public void DefectiveHeaderIsRefused(string header, string message)
    {
        AssertRefused(Jws.Sign(header, Jws.Claims(ClientId, AudienceJson, NowSeconds, NowSeconds + 60), Jws.Es256(keys.P256)), message);
    }

    [Theory]
    [InlineData("", "The assertion is empty.")]
    [InlineData("a.b", "The assertion is not a compact JWS (header.payload.signature).")]
    [InlineData("a.b.c.d", "The assertion is not a compact JWS (header.payload.signature).")]
    [InlineData("e30=.e30.AA", "The assertion's header is not base64url.")]
    [InlineData("e30.e3 0.AA", "The assertion's payload is not base64url.")]
    [InlineData("e30..AA", "The assertion's payload is not base64url.")]
    [InlineData("bm90IGpzb24.e30.AA", "The assertion's header is not valid JSON (or repeats a name).")]
    public void Malformed_compact_form_is_refused(string jwt, string message)
    {
        AssertRefused(jwt, message);
    }

    [Fact]
    public void Overlong_assertion_is_refused()
    {
        AssertRefused(new string('a', 8193), "The assertion is longer than 8192 characters.");
    }

    [Fact]
    public void Mutated_and_random_input_only_ever_raises_assertion_exception()
    {
        var random = new Random(3);
        var valid = new[]
        {
            ServiceAccountAssertion.Create(ClientId, "rsa", keys.Rsa, Audience, TimeSpan.FromMinutes(1), Now),
            ServiceAccountAssertion.Create(ClientId, null, keys.P384, Audience, TimeSpan.FromMinutes(1), Now),
        };
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ {}\"\\:,[]";
        var accepted = 0;
        for (var i = 0; i < 600; i++)
        {
            string input;
            switch (i % 3)
            {
                case 0: // flip characters of a valid assertion
                    var chars = valid[i % 2].ToCharArray();
                    for (var flips = random.Next(1, 4); flips > 0; flips--)
                    {
                        chars[random.Next(chars.Length)] = alphabet[random.Next(alphabet.Length)];
                    }
                    input = new string(chars);
                    break;
                case 1: // valid framing around random JSON-ish text
                    var json = new string([.. Enumerable.Range(0, random.Next(0, 60)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
                    input = random.Next(2) == 0 ? $"{Jws.Encode(json)}.{valid[0].Split('.')[1]}.AA" : $"{valid[1].Split('.')[0]}.{Jws.Encode(json)}.AA";
                    break;
                default: // arbitrary characters
                    input = new string([.. Enumerable.Range(0, random.Next(0, 200)).Select(_ => (char)random.Next(0, 0x500))]);
                    break;
            }
            try
            {
                AssertionValidator.Validate(input, Audience, keys.KeysOf, Now);
                accepted++;
            }
            catch (AssertionException)
            {
            }
        }
        // Only a mutation that left the signed bytes' meaning intact (e.g. in the base64 padding bits) may pass.
        Assert.InRange(accepted, 0, 10);
    }

    [Fact]
    public void Failing_key_lookup_propagates_unchanged()
    {
        var jwt = ServiceAccountAssertion.Create(ClientId, null, keys.P256, Audience, TimeSpan.FromMinutes(1), Now);

        Assert.Throws<TimeoutException>(() => AssertionValidator.Validate(jwt, Audience, _ => throw new TimeoutException(), Now));
    }

    [Fact]
    public void Create_refuses_unsupported_keys_and_lifetimes()
    {
        using var p521 = ECDsa.Create(ECCurve.NamedCurves.nistP521);

        Assert.Throws<NotSupportedException>(() => ServiceAccountAssertion.Create(ClientId, null, p521, Audience, TimeSpan.FromMinutes(1), Now));
        Assert.Throws<ArgumentOutOfRangeException>(() => ServiceAccountAssertion.Create(ClientId, null, keys.P256, Audience, TimeSpan.Zero, Now));
        Assert.Throws<ArgumentException>(() => ServiceAccountAssertion.Create("", null, keys.P256, Audience, TimeSpan.FromMinutes(1), Now));
    }

    private AsymmetricAlgorithm Key(string name) => name switch
    {
        "rsa" => keys.Rsa,
        "p256" => keys.P256,
        _ => keys.P384,
    };

    private void AssertRefused(string jwt, string message)
    {
        var error = Assert.Throws<AssertionException>(() => AssertionValidator.Validate(jwt, Audience, keys.KeysOf, Now));
        Assert.Equal(message, error.Message);
    }
}
