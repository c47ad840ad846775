using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace CodeSigning.V1;

/// <summary>
/// The signed JWT a service account presents to <c>TokenService.ExchangeAssertion</c> to prove it
/// holds its private key. Written with <see cref="Utf8JsonWriter"/>: no reflection, NativeAOT-safe.
/// </summary>
public static class ServiceAccountAssertion
{
    private const string P256Oid = "1.2.840.10045.3.1.7";
    private const string P384Oid = "1.3.132.0.34";

    /// <summary>
    /// The private key a service account signs its assertions with: an EC or RSA key in PEM
    /// (PKCS#8, SEC 1 or PKCS#1), or null when the text holds neither (a public key alone included).
    /// </summary>
    public static AsymmetricAlgorithm? ImportPrivateKey(string pem) =>
        (AsymmetricAlgorithm?)TryImport(ECDsa.Create(), pem) ?? TryImport(RSA.Create(), pem);

    private static T? TryImport<T>(T key, string pem)
        where T : AsymmetricAlgorithm
    {
        try
        {
            key.ImportFromPem(pem);
            // ImportFromPem takes a PUBLIC KEY block too; exporting the private part proves there is one.
            key.ExportPkcs8PrivateKey();
            return key;
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            key.Dispose();
            return null;
        }
    }

    /// <summary>
    /// A compact JWS: RS256 for RSA keys, ES256 / ES384 for P-256 / P-384; claims iss = sub =
    /// <paramref name="clientId"/>, aud, iat, exp, and a random jti so the server can refuse replays.
    /// </summary>
    /// <param name="audience"><c>ServerInfo.token_audience</c> of the server.</param>
    /// <param name="lifetime">The server accepts at most 5 minutes.</param>
    public static string Create(string clientId, string? keyId, AsymmetricAlgorithm privateKey, string audience, TimeSpan lifetime, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        ArgumentException.ThrowIfNullOrEmpty(audience);
        ArgumentOutOfRangeException.ThrowIfLessThan(lifetime, TimeSpan.FromSeconds(1));
        // JWS ECDSA signatures are r||s, not DER (RFC 7518 3.4).
        (string Algorithm, Func<byte[], byte[]> Sign) signer = privateKey switch
        {
            RSA rsa => ("RS256", data => rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)),
            ECDsa ecdsa when IsCurve(ecdsa, P256Oid) => ("ES256", data => ecdsa.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)),
            ECDsa ecdsa when IsCurve(ecdsa, P384Oid) => ("ES384", data => ecdsa.SignData(data, HashAlgorithmName.SHA384, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)),
            _ => throw new NotSupportedException("Service-account keys are RSA, EC P-256 or EC P-384."),
        };
        var issuedAt = now.ToUnixTimeSeconds();

        var header = Json(writer =>
        {
            writer.WriteString("alg", signer.Algorithm);
            writer.WriteString("typ", "JWT");
            if (keyId is not null)
            {
                writer.WriteString("kid", keyId);
            }
        });
        var payload = Json(writer =>
        {
            writer.WriteString("iss", clientId);
            writer.WriteString("sub", clientId);
            writer.WriteString("aud", audience);
            writer.WriteNumber("iat", issuedAt);
            writer.WriteNumber("exp", issuedAt + (long)lifetime.TotalSeconds);
            writer.WriteString("jti", Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)));
        });
        var signingInput = $"{Base64Url.EncodeToString(header)}.{Base64Url.EncodeToString(payload)}";
        var signature = signer.Sign(Encoding.ASCII.GetBytes(signingInput));
        return $"{signingInput}.{Base64Url.EncodeToString(signature)}";
    }

    private static bool IsCurve(ECDsa key, string oid) => key.ExportParameters(false).Curve.Oid.Value == oid;

    private static ReadOnlySpan<byte> Json(Action<Utf8JsonWriter> writeProperties)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writeProperties(writer);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan;
    }
}
