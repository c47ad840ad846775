using System.Security.Cryptography;
using CodeSigning.Pkcs11.Tests.Fakes;
using CodeSigning.V1;

namespace CodeSigning.Pkcs11.Tests;

/// <summary>One fake server for every core test, with an RSA-2048, a P-256, a P-384 and a P-521 Signer (keys made once).</summary>
public sealed class FakeServerFixture : IAsyncLifetime
{
    public const string ApiKey = "csk_operator";
    public const string AuditorKey = "csk_auditor";

    public FakeSigningServer Server { get; } = new();

    public FakeSigner Rsa { get; } = new("rsa-signer", RSA.Create(2048), KeyAlgorithm.Rsa2048);

    public FakeSigner P256 { get; } = new("p256-signer", ECDsa.Create(ECCurve.NamedCurves.nistP256), KeyAlgorithm.EcP256);

    public FakeSigner P384 { get; } = new("p384-signer", ECDsa.Create(ECCurve.NamedCurves.nistP384), KeyAlgorithm.EcP384);

    public FakeSigner P521 { get; } = new("p521-signer", ECDsa.Create(ECCurve.NamedCurves.nistP521), KeyAlgorithm.EcP521);

    public async Task InitializeAsync()
    {
        Server.Add(Rsa, ApiKey);
        Server.Add(P256, ApiKey);
        Server.Add(P384, ApiKey);
        Server.Add(P521, ApiKey);
        Rsa.Members[AuditorKey] = Role.Auditor;
        await Server.StartAsync();
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>Undoes whatever fault or state a test injected.</summary>
    public void Reset()
    {
        Server.Delay = TimeSpan.Zero;
        Server.Failure = null;
        foreach (var signer in new[] { Rsa, P256, P384, P521 })
        {
            signer.Enabled = true;
            signer.ApprovalRequired = false;
            signer.Grants.Clear();
        }

        Server.Requests.Clear();
        Server.SignRequests.Clear();
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProviderCollection : ICollectionFixture<FakeServerFixture>
{
    /// <summary>The provider is process-wide state: its tests run one at a time.</summary>
    public const string Name = "provider";
}
