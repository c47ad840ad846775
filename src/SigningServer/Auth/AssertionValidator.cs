using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace CodeSigning.Server.Auth;

/// <summary>
/// Checks a service account's assertion (compact JWS): a registered key of the client signed it,
/// for this server, recently, for at most five minutes. Replay (the jti) is the caller's to check.
/// </summary>
public static class AssertionValidator
{
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(5);

    private const int MaxLength = 8192;
    private const int MaxJtiLength = 128;
    private const int MaxClaimedClientIdLength = 128;
    private const int MinRsaKeySize = 2048;
    // NumericDate bounds: years 1970 to 9999, so arithmetic cannot overflow.
    private const long MaxNumericDate = 253402300799;

    private const string P256Oid = "1.2.840.10045.3.1.7";
    private const string P384Oid = "1.3.132.0.34";
    private const string Base64UrlAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private static readonly JsonDocumentOptions JsonOptions = new() { AllowDuplicateProperties = false, MaxDepth = 8 };

    /// <param name="keysOfClient">The registered keys of a client id, empty when it is unknown. Its own failures propagate unchanged.</param>
    /// <exception cref="AssertionException">The assertion is refused, for the reason in the message.</exception>
    public static ValidatedAssertion Validate(string jwt, string expectedAudience, Func<string, IReadOnlyList<RegisteredKey>> keysOfClient, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(jwt))
        {
            throw new AssertionException("The assertion is empty.");
        }
        if (jwt.Length > MaxLength)
        {
            throw new AssertionException($"The assertion is longer than {MaxLength} characters.");
        }
        var parts = jwt.Split('.');
        if (parts.Length != 3)
        {
            throw new AssertionException("The assertion is not a compact JWS (header.payload.signature).");
        }
        using var header = ParseJson(parts[0], "header");
        using var payload = ParseJson(parts[1], "payload");

        var algorithm = RequiredString(header.RootElement, "alg", "header");
        if (algorithm is not ("RS256" or "PS256" or "ES256" or "ES384"))
        {
            throw new AssertionException($"The assertion's algorithm '{algorithm}' is not accepted; use RS256, PS256, ES256 or ES384.");
        }
        if (header.RootElement.TryGetProperty("crit", out _))
        {
            throw new AssertionException("The assertion's header has critical extensions (crit), which the server does not support.");
        }
        var keyId = OptionalString(header.RootElement, "kid", "header");

        var claims = payload.RootElement;
        var clientId = RequiredString(claims, "iss", "payload");
        if (RequiredString(claims, "sub", "payload") != clientId)
        {
            throw new AssertionException("The assertion's sub must equal its iss (the client id).");
        }

        var signature = Decode(parts[2], "signature");
        var signingInput = Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}");
        var verifiedBy = FindSigningKey(clientId, keyId, keysOfClient(clientId), algorithm, signingInput, signature);

        CheckAudience(claims, expectedAudience);
        var issuedAt = NumericDate(claims, "iat");
        var expiresAt = NumericDate(claims, "exp");
        var nowSeconds = now.ToUnixTimeSeconds();
        if (expiresAt <= nowSeconds - (long)ClockSkew.TotalSeconds)
        {
            throw new AssertionException($"The assertion expired at {DateTimeOffset.FromUnixTimeSeconds(expiresAt):u}; make a new one (check the client's clock).");
        }
        if (issuedAt > nowSeconds + (long)ClockSkew.TotalSeconds)
        {
            throw new AssertionException($"The assertion is issued in the future ({DateTimeOffset.FromUnixTimeSeconds(issuedAt):u}); check the client's clock.");
        }
        if (expiresAt <= issuedAt)
        {
            throw new AssertionException("The assertion's exp must be after its iat.");
        }
        if (expiresAt - issuedAt > (long)MaxLifetime.TotalSeconds)
        {
            throw new AssertionException($"The assertion is valid for {expiresAt - issuedAt} s; at most {(long)MaxLifetime.TotalSeconds} s is accepted.");
        }
        var jti = RequiredString(claims, "jti", "payload");
        if (jti.Length > MaxJtiLength)
        {
            throw new AssertionException($"The assertion's jti is longer than {MaxJtiLength} characters.");
        }
        return new ValidatedAssertion(clientId, verifiedBy, jti, DateTimeOffset.FromUnixTimeSeconds(expiresAt));
    }

    /// <summary>
    /// The client id (iss) an assertion claims, read without checking anything else, escaped and
    /// cut to <see cref="MaxClaimedClientIdLength"/> for the audit of its refusal; null when unreadable.
    /// </summary>
    public static string? ClaimedClientId(string? jwt)
    {
        if (string.IsNullOrEmpty(jwt) || jwt.Length > MaxLength || jwt.Split('.') is not [_, var encodedPayload, _])
        {
            return null;
        }
        try
        {
            using var payload = ParseJson(encodedPayload, "payload");
            return OptionalString(payload.RootElement, "iss", "payload") is { Length: > 0 } clientId
                ? CodeSigning.V1.DisplayText.EscapeBounded(clientId, MaxClaimedClientIdLength)
                : null;
        }
        catch (AssertionException)
        {
            return null;
        }
    }

    private static string FindSigningKey(string clientId, string? keyId, IReadOnlyList<RegisteredKey> registered, string algorithm, byte[] signingInput, byte[] signature)
    {
        if (registered.Count == 0)
        {
            throw new AssertionException($"The client '{clientId}' is unknown or has no registered key.");
        }
        var candidates = keyId is null ? registered : [.. registered.Where(key => key.KeyId == keyId)];
        if (candidates.Count == 0)
        {
            throw new AssertionException($"The key '{keyId}' is not registered for client '{clientId}'.");
        }
        foreach (var key in candidates)
        {
            if (Verifies(key.PublicKeySpki, algorithm, signingInput, signature))
            {
                return key.KeyId;
            }
        }
        throw new AssertionException(keyId is null
            ? $"The assertion's {algorithm} signature does not verify with any registered key of client '{clientId}'."
            : $"The assertion's {algorithm} signature does not verify with key '{keyId}' of client '{clientId}'.");
    }

    private static bool Verifies(byte[] spki, string algorithm, byte[] signingInput, byte[] signature)
    {
        try
        {
            switch (algorithm)
            {
                case "RS256" or "PS256":
                {
                    using var rsa = RSA.Create();
                    rsa.ImportSubjectPublicKeyInfo(spki, out _);
                    // PS256 is MGF1-SHA256 with a 32-byte salt (RFC 7518 3.5), which is what .NET's PSS uses.
                    var padding = algorithm == "PS256" ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
                    return rsa.KeySize >= MinRsaKeySize && rsa.VerifyData(signingInput, signature, HashAlgorithmName.SHA256, padding);
                }
                default:
                {
                    using var ecdsa = ECDsa.Create();
                    ecdsa.ImportSubjectPublicKeyInfo(spki, out _);
                    var (curveOid, hash, signatureLength) = algorithm == "ES256"
                        ? (P256Oid, HashAlgorithmName.SHA256, 64)
                        : (P384Oid, HashAlgorithmName.SHA384, 96);
                    // The curve, not just its size (brainpoolP256r1 is 256 bits too); JOSE r||s has a fixed length.
                    return ecdsa.ExportParameters(false).Curve.Oid.Value == curveOid && signature.Length == signatureLength &&
                        ecdsa.VerifyData(signingInput, signature, hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
                }
            }
        }
        catch (CryptographicException)
        {
            // A registered key of another type (RSA for ES256...) cannot have made this signature.
            return false;
        }
    }

    private static void CheckAudience(JsonElement claims, string expectedAudience)
    {
        if (!claims.TryGetProperty("aud", out var audience))
        {
            throw new AssertionException("The assertion has no aud claim; set it to the server's token audience.");
        }
        var matches = audience.ValueKind switch
        {
            JsonValueKind.String => Text(audience, "aud") == expectedAudience,
            JsonValueKind.Array => audience.EnumerateArray().Any(entry => entry.ValueKind == JsonValueKind.String && Text(entry, "aud") == expectedAudience),
            _ => throw new AssertionException("The assertion's aud must be a string or an array of strings."),
        };
        if (!matches)
        {
            throw new AssertionException($"The assertion is for another audience; set aud to '{expectedAudience}' (ServerInfo.token_audience).");
        }
    }

    private static long NumericDate(JsonElement claims, string name)
    {
        if (!claims.TryGetProperty(name, out var value))
        {
            throw new AssertionException($"The assertion has no {name} claim.");
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var seconds) || seconds < 0 || seconds > MaxNumericDate)
        {
            throw new AssertionException($"The assertion's {name} must be a whole number of seconds since 1970.");
        }
        return seconds;
    }

    private static string RequiredString(JsonElement element, string name, string part) =>
        OptionalString(element, name, part) is { Length: > 0 } value
            ? value
            : throw new AssertionException($"The assertion's {part} has no {name}, or it is empty.");

    private static string? OptionalString(JsonElement element, string name, string part)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.String
            ? Text(value, name)
            : throw new AssertionException($"The assertion's {part} {name} must be a string.");
    }

    private static string Text(JsonElement value, string name)
    {
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException e)
        {
            // An escape such as \ud800 that is no valid UTF-16.
            throw new AssertionException($"The assertion's {name} is not valid text.", e);
        }
    }

    private static JsonDocument ParseJson(string encoded, string part)
    {
        var json = Decode(encoded, part);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new AssertionException($"The assertion's {part} is not valid JSON (or repeats a name).", e);
        }
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new AssertionException($"The assertion's {part} is not a JSON object.");
        }
        return document;
    }

    private static byte[] Decode(string encoded, string part)
    {
        // Compact JWS is unpadded base64url without whitespace (RFC 7515 2), which the decoder alone would tolerate.
        if (encoded.Length == 0 || encoded.AsSpan().ContainsAnyExcept(Base64UrlAlphabet) || !Base64Url.IsValid(encoded))
        {
            throw new AssertionException($"The assertion's {part} is not base64url.");
        }
        return Base64Url.DecodeFromChars(encoded);
    }
}
