using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CodeSigning.Server.Domain;
using CodeSigning.Server.Keys;
using CodeSigning.Server.Storage;
using CodeSigning.Server.Tests.Server;
using CodeSigning.Tests.Shared;
using CodeSigning.V1;
using Google.Protobuf;

namespace CodeSigning.Server.Tests.Keys;

/// <summary>
/// <c>codesign-server rekey</c> against the published server while it signs: no signature fails,
/// the old key-encryption key leaves the ring and every reference, and everything still signs after
/// a restart. On PostgreSQL a replica with its own copy of the data directory signs throughout too,
/// following the documented procedure (stage, copy vault.kek, rekey, copy again).
/// </summary>
public sealed class RekeyTests : IAsyncLifetime
{
    private ServerProcess _server = null!;
    private ServerProcess? _replica;

    public async Task InitializeAsync()
    {
        _server = await ServerProcess.StartAsync(plaintext: true);
        if (_server.Database is not null)
        {
            _replica = await _server.StartReplicaAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (_replica is not null)
        {
            await _replica.DisposeAsync();
        }
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Rekey_while_signing_loses_no_signature_and_retires_the_old_key_encryption_key()
    {
        var admin = new Clients(_server.CreateChannel(_server.AdminApiKey));
        var rsa = await CreateAsync(admin, "rekey-rsa", KeyAlgorithm.Rsa2048);
        var ec = await CreateAsync(admin, "rekey-ec", KeyAlgorithm.EcP256);
        var servers = new[] { _server, _replica }.OfType<ServerProcess>().ToList();

        using var stop = new CancellationTokenSource();
        var loops = servers.SelectMany(s => new[] { SignLoopAsync(s, rsa, stop.Token), SignLoopAsync(s, ec, stop.Token) }).ToList();
        await WaitForSignaturesAsync(loops.Count);

        Assert.Contains("now under key-encryption key 1; retired 0", await RotateAsync(), StringComparison.Ordinal);
        await WaitForSignaturesAsync(loops.Count);
        // A second rotation starts from a ring file, not the plain 32-byte KEK init wrote.
        Assert.Contains("now under key-encryption key 2; retired 1", await RotateAsync(), StringComparison.Ordinal);
        await WaitForSignaturesAsync(loops.Count);
        await stop.CancelAsync();
        var failures = (await Task.WhenAll(loops)).SelectMany(f => f).ToList();
        Assert.Empty(failures);

        var ring = KeyEncryptionKeyRing.Load(KeyEncryptionKeyRing.PathIn(_server.DataDir));
        Assert.Equal([(2u, KeyEncryptionKeyState.Active)], ring.Keys.Select(k => (k.Id, k.State)));
        var store = new DatabaseLocation(_server.DataDir, _server.Database).Open();
        using (var session = store.BeginRead())
        {
            var references = session.ListSigners().Select(s => s.KeyReference).Concat(ServerIdentity.SealedKeys(session).Select(k => k.KeyReference)).ToList();
            Assert.Equal(4, references.Count);
            Assert.All(references, r => Assert.Equal(2u, SoftwareKeyVault.KeyEncryptionKeyIdOf(r)));
        }

        await _server.RestartAsync();
        var restarted = new Clients(_server.CreateChannel(_server.AdminApiKey));
        await SignAndVerifyAsync(restarted, rsa);
        await SignAndVerifyAsync(restarted, ec);
        // The CA keys were re-wrapped too: a new Signer still gets a certificate from the internal CA.
        await SignAndVerifyAsync(restarted, await CreateAsync(restarted, "after-rekey", KeyAlgorithm.EcP384));
    }

    [Fact]
    public async Task Rekey_of_an_uninitialized_directory_fails_and_writes_nothing()
    {
        using var directory = new TempDirectory();

        var (exitCode, output) = await _server.RunCommandAsync("rekey", "--data-dir", directory.Path);

        Assert.Equal(1, exitCode);
        Assert.Contains("is not initialized", output, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(directory.Path));
    }

    private int _signatures;

    /// <summary>One rotation as docs/keys.md describes it; with a replica: stage, copy vault.kek, rekey, copy again.</summary>
    private async Task<string> RotateAsync()
    {
        string[] location = ["--data-dir", _server.DataDir, .. _server.DatabaseArguments];
        if (_replica is not null)
        {
            var staged = await _server.RunCommandAsync(["rekey", .. location, "--stage"]);
            Assert.True(staged.ExitCode == 0, staged.Output);
            CopyRing(_server, _replica);
        }
        var (exitCode, output) = await _server.RunCommandAsync(["rekey", .. location]);
        Assert.True(exitCode == 0, output);
        if (_replica is not null)
        {
            CopyRing(_server, _replica);
        }
        return output;
    }

    private async Task WaitForSignaturesAsync(int atLeast)
    {
        // Progress, not time: each loop has signed at least once more since the call.
        var target = Volatile.Read(ref _signatures) + atLeast * 2;
        while (Volatile.Read(ref _signatures) < target)
        {
            await Task.Delay(20);
        }
    }

    private async Task<List<string>> SignLoopAsync(ServerProcess server, Signer signer, CancellationToken stop)
    {
        var failures = new List<string>();
        using var channel = server.CreateChannel(server.AdminApiKey);
        var clients = new Clients(channel);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await SignAndVerifyAsync(clients, signer);
                Interlocked.Increment(ref _signatures);
            }
            catch (Exception e) when (e is Grpc.Core.RpcException or Xunit.Sdk.XunitException)
            {
                failures.Add($"{server.Url} {signer.Name}: {e.Message}");
                Interlocked.Increment(ref _signatures);
            }
        }
        return failures;
    }

    private static async Task SignAndVerifyAsync(Clients clients, Signer signer)
    {
        var digest = SHA256.HashData(RandomNumberGenerator.GetBytes(16));
        var ecdsa = signer.KeyAlgorithm is KeyAlgorithm.EcP256 or KeyAlgorithm.EcP384;
        var response = await clients.Sign.SignAsync(new SignRequest
        {
            Signer = signer.Name,
            Scheme = ecdsa ? SignatureScheme.Ecdsa : SignatureScheme.RsaPkcs1V15,
            DigestAlgorithm = DigestAlgorithm.Sha256,
            Digest = ByteString.CopyFrom(digest),
        });
        using var leaf = X509CertificateLoader.LoadCertificate(signer.CertificateChain[0].ToByteArray());
        var signature = response.Signature.ToByteArray();
        Assert.True(ecdsa
            ? leaf.GetECDsaPublicKey()!.VerifyHash(digest, signature)
            : leaf.GetRSAPublicKey()!.VerifyHash(digest, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    private static async Task<Signer> CreateAsync(Clients admin, string name, KeyAlgorithm algorithm)
    {
        var request = new CreateSignerRequest { Name = name, KeyAlgorithm = algorithm, CertificateAuthority = CertificateAuthorityKind.Internal };
        request.Members.Add(new MemberSpec { Principal = new PrincipalRef { Kind = PrincipalKind.User, Name = "admin" }, Role = Role.Administrator });
        return await admin.Signers.CreateSignerAsync(request);
    }

    /// <summary>What an operator does for a replica on another machine: copy vault.kek over, keeping it private.</summary>
    private static void CopyRing(ServerProcess from, ServerProcess to)
    {
        var target = KeyEncryptionKeyRing.PathIn(to.DataDir);
        File.Copy(KeyEncryptionKeyRing.PathIn(from.DataDir), target + ".new");
        File.Move(target + ".new", target, overwrite: true);
    }
}
