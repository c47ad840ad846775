using System.Security.Cryptography;
using CodeSigning.Server.Auth;

namespace CodeSigning.Server.Tests.Auth;

/// <summary>A service account's key pairs, made once for all assertion tests (RSA generation is slow).</summary>
public sealed class AssertionKeys : IDisposable
{
    public const string ClientId = "build-bot";
    public const string Audience = "codesigning:test-server";

    public RSA Rsa { get; } = RSA.Create(2048);

    public ECDsa P256 { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public ECDsa P384 { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP384);

    /// <summary>Not registered anywhere.</summary>
    public ECDsa Stranger { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public IReadOnlyList<RegisteredKey> Registered =>
    [
        new("rsa", Rsa.ExportSubjectPublicKeyInfo()),
        new("p256", P256.ExportSubjectPublicKeyInfo()),
        new("p384", P384.ExportSubjectPublicKeyInfo()),
    ];

    public IReadOnlyList<RegisteredKey> KeysOf(string clientId) => clientId == ClientId ? Registered : [];

    public void Dispose()
    {
        Rsa.Dispose();
        P256.Dispose();
        P384.Dispose();
        Stranger.Dispose();
    }
}
