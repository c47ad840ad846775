using System.Security.Cryptography;
using CodeSigning.Cli.Configuration;
using CodeSigning.V1;
using Google.Protobuf.WellKnownTypes;

namespace CodeSigning.Cli.Connection;

/// <summary>
/// A service account's access token: a short-lived assertion signed with its private key (which never
/// leaves this machine), exchanged with the server for a <c>cst_</c> token.
/// </summary>
internal static class ServiceAccountToken
{
    // The server refuses assertions living longer than 300 s; a minute is plenty for one exchange.
    private static readonly TimeSpan AssertionLifetime = TimeSpan.FromMinutes(1);

    public static async Task<string> ExchangeAsync(TokenService.TokenServiceClient tokens, ServiceAccountCredential account, CancellationToken cancellationToken)
    {
        using var key = LoadPrivateKey(account.PrivateKeyFile);
        var info = await tokens.GetServerInfoAsync(new Empty(), cancellationToken: cancellationToken).ConfigureAwait(false);
        var assertion = ServiceAccountAssertion.Create(account.ClientId, account.KeyId, key, info.TokenAudience, AssertionLifetime, DateTimeOffset.UtcNow);
        var response = await tokens.ExchangeAssertionAsync(new ExchangeAssertionRequest { Assertion = assertion }, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.AccessToken;
    }

    private static AsymmetricAlgorithm LoadPrivateKey(string path) =>
        ServiceAccountAssertion.ImportPrivateKey(File.ReadAllText(path))
        ?? throw CliException.LocalIo($"{path} holds no EC or RSA private key in PEM");
}
