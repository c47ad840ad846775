using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace CodeSigning.Server.Tests.Auth;

/// <summary>Hand-made compact JWS, for assertions ServiceAccountAssertion would never write.</summary>
public static class Jws
{
    public static string Sign(string headerJson, string payloadJson, Func<byte[], byte[]> sign)
    {
        var signingInput = $"{Encode(headerJson)}.{Encode(payloadJson)}";
        return $"{signingInput}.{Base64Url.EncodeToString(sign(Encoding.ASCII.GetBytes(signingInput)))}";
    }

    public static Func<byte[], byte[]> Es256(ECDsa key) => data => key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    public static string Encode(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));

    public static string DecodeJson(string part) => Encoding.UTF8.GetString(Base64Url.DecodeFromChars(part));

    /// <param name="audienceJson">The aud value as JSON: a quoted string or an array.</param>
    public static string Claims(string clientId, string audienceJson, long iat, long exp, string jti = "jti-1") =>
        $$"""{"iss":"{{clientId}}","sub":"{{clientId}}","aud":{{audienceJson}},"iat":{{iat}},"exp":{{exp}},"jti":"{{jti}}"}""";
}
