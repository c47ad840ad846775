using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;

namespace CodeSigning.Pkcs11.Remote;

/// <summary>
/// The service-account assertion (a compact JWS): RS256 for RSA keys, ES256 / ES384 for P-256 / P-384;
/// claims iss = sub = client id, aud, iat, exp, jti. Written with Utf8JsonWriter to stay AOT-safe.
/// </summary>
internal static class ServiceAccountJwt
{
    public static string Create(string clientId, string? keyId, AsymmetricAlgorithm privateKey, string audience, TimeSpan lifetime, DateTimeOffset now)
    {
        var algorithm = privateKey switch
        {
            RSA => "RS256",
            ECDsa { KeySize: 256 } => "ES256",
            ECDsa { KeySize: 384 } => "ES384",
            _ => throw new ArgumentException("the service account key must be RSA, P-256 or P-384", nameof(privateKey)),
        };

        var header = Json(writer =>
        {
            writer.WriteString("alg", algorithm);
            writer.WriteString("typ", "JWT");
            if (!string.IsNullOrEmpty(keyId))
            {
                writer.WriteString("kid", keyId);
            }
        });
        var claims = Json(writer =>
        {
            writer.WriteString("iss", clientId);
            writer.WriteString("sub", clientId);
            writer.WriteString("aud", audience);
            writer.WriteNumber("iat", now.ToUnixTimeSeconds());
            writer.WriteNumber("exp", (now + lifetime).ToUnixTimeSeconds());
            writer.WriteString("jti", Guid.NewGuid().ToString("N"));
        });

        var signingInput = Base64Url.EncodeToString(header) + "." + Base64Url.EncodeToString(claims);
        var data = System.Text.Encoding.ASCII.GetBytes(signingInput);
        var signature = privateKey switch
        {
            RSA rsa => rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            ECDsa { KeySize: 256 } ec => ec.SignData(data, HashAlgorithmName.SHA256),
            ECDsa ec => ec.SignData(data, HashAlgorithmName.SHA384),
            _ => throw new ArgumentException("unsupported key", nameof(privateKey)),
        };
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    private static byte[] Json(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }
}
