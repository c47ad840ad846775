using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace CodeSigning.Pkcs11.Tests.Fakes;

/// <summary>Checks a service-account assertion the way the server does: signature, audience, lifetime.</summary>
internal static class FakeAssertionVerifier
{
    public static string? Verify(string assertion, IReadOnlyDictionary<string, AsymmetricAlgorithm> accounts, string audience)
    {
        var parts = assertion.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        using var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
        var root = claims.RootElement;
        var clientId = root.GetProperty("iss").GetString()!;
        if (root.GetProperty("sub").GetString() != clientId || root.GetProperty("aud").GetString() != audience
            || root.GetProperty("exp").GetInt64() - root.GetProperty("iat").GetInt64() > 300
            || !accounts.TryGetValue(clientId, out var key))
        {
            return null;
        }

        var data = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        var signature = Base64Url.DecodeFromChars(parts[2]);
        var valid = key switch
        {
            RSA rsa => rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            ECDsa ec => ec.VerifyData(data, signature, ec.KeySize == 256 ? HashAlgorithmName.SHA256 : HashAlgorithmName.SHA384),
            _ => false,
        };
        return valid ? clientId : null;
    }
}
