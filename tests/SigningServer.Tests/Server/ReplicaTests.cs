using System.Security.Cryptography;
using CodeSigning.Server.Storage.Postgres;
using CodeSigning.Tests.Shared;
using CodeSigning.V1;
using Grpc.Core;
using Npgsql;

namespace CodeSigning.Server.Tests.Server;

/// <summary>
/// Two published servers on different ports sharing one PostgreSQL database (and a copy of one data
/// directory): the scale-out deployment. Always on PostgreSQL, whatever store the rest of the suite uses.
/// </summary>
public sealed class ReplicaTests(ReplicaTests.Fixture fixture) : IClassFixture<ReplicaTests.Fixture>
{
    public sealed class Fixture : IAsyncLifetime
    {
        public ServerProcess First { get; private set; } = null!;
        public ServerProcess Second { get; private set; } = null!;
        public Clients Admin { get; private set; } = null!;
        public string RequesterKey { get; private set; } = "";

        public async Task InitializeAsync()
        {
            First = await ServerProcess.StartAsync(postgres: true);
            Second = await First.StartReplicaAsync();
            Admin = new Clients(First.CreateChannel(First.AdminApiKey));
            await Admin.Identity.CreateUserAsync(new CreateUserRequest { Name = "requester" });
            RequesterKey = (await Admin.Identity.CreateApiKeyAsync(new CreateApiKeyRequest { User = "requester", Description = "replicas" })).Secret;
        }

        public async Task DisposeAsync()
        {
            await Second.DisposeAsync();
            await First.DisposeAsync();
        }

        public async Task<V1.Signer> CreateSignerAsync(string name, bool guarded)
        {
            var request = new CreateSignerRequest { Name = name, KeyAlgorithm = KeyAlgorithm.EcP256, CertificateAuthority = CertificateAuthorityKind.Internal };
            request.Members.Add(new MemberSpec { Principal = InProcessServer.UserRef("admin"), Role = Role.Administrator });
            request.Members.Add(new MemberSpec { Principal = InProcessServer.UserRef("requester"), Role = Role.Operator });
            var signer = await Admin.Signers.CreateSignerAsync(request);
            if (guarded)
            {
                await Admin.Approvals.SetApprovalPolicyAsync(new SetApprovalPolicyRequest
                {
                    Signer = name, Policy = new ApprovalPolicy { ApprovalsRequired = 1, Approvers = { InProcessServer.UserRef("admin") } },
                });
            }
            return signer;
        }
    }

    private static readonly byte[] Digest = SHA256.HashData("replicated"u8);

    [Fact]
    public async Task Fifty_concurrent_signs_over_both_replicas_against_a_grant_of_ten_yield_exactly_ten_in_one_valid_chain()
    {
        var signer = await fixture.CreateSignerAsync("race", guarded: true);
        var grant = await fixture.Admin.Approvals.CreateGrantAsync(new CreateGrantRequest
        {
            Signer = signer.Name, Grantee = InProcessServer.UserRef("requester"), SignaturesAllowed = 10, Window = InProcessServer.Minutes(30),
        });
        var replicas = new[] { new Clients(fixture.First.CreateChannel(fixture.RequesterKey)), new Clients(fixture.Second.CreateChannel(fixture.RequesterKey)) };

        var attempts = await Task.WhenAll(Enumerable.Range(0, 50).Select(async i =>
        {
            try
            {
                var response = await replicas[i % 2].Sign.SignAsync(SignTests.Request(signer.Name, SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, Digest));
                return (Replica: i % 2, Outcome: "signed", Signature: response.Signature.ToByteArray());
            }
            catch (RpcException e)
            {
                return (Replica: i % 2, Outcome: e.GetRpcStatus()?.GetDetail<Google.Rpc.ErrorInfo>()?.Reason ?? e.StatusCode.ToString(), Signature: Array.Empty<byte>());
            }
        }));

        // With the counts, what the replicas logged as failing: an INTERNAL outcome says only "see the server log".
        var outcomes = string.Join(", ", attempts.GroupBy(a => a.Outcome).Select(g => $"{g.Key}: {g.Count()}")) + "\n" + string.Join("\n",
            new[] { fixture.First, fixture.Second }.SelectMany(r => r.StandardError.Split('\n')).Where(l => l.Contains("fail: ", StringComparison.Ordinal)).Take(20));
        Assert.True(attempts.Count(a => a.Outcome == "signed") == 10, outcomes);
        Assert.True(attempts.Count(a => a.Outcome == "APPROVAL_REQUIRED") == 40, outcomes);
        using var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(signer.PublicKey.Span, out _);
        Assert.All(attempts.Where(a => a.Outcome == "signed"), a => Assert.True(key.VerifyHash(Digest, a.Signature)));
        foreach (var replica in new[] { fixture.First, fixture.Second })
        {
            var admin = new Clients(replica.CreateChannel(replica.AdminApiKey));
            var spent = Assert.Single((await admin.Approvals.ListGrantsAsync(new ListGrantsRequest { Signer = signer.Name, IncludeSpent = true })).Grants);
            Assert.Equal((grant.Id, 10L), (spent.Id, spent.SignaturesUsed));
            var verified = await admin.Audit.VerifyAuditChainAsync(new VerifyAuditChainRequest());
            Assert.True(verified.Valid, verified.Message);
        }
        var events = (await fixture.Admin.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest
        {
            Filter = new AuditFilter { Signer = signer.Name, Types_ = { "signature." } }, PageSize = 1000,
        })).Events;
        Assert.Equal(10, events.Count(e => e.Type == "signature.created" && e.Details["grant_id"] == grant.Id));
        Assert.Equal(40, events.Count(e => e is { Type: "signature.denied", Reason: "APPROVAL_REQUIRED" }));
    }

    [Fact]
    public async Task Signing_continues_on_the_other_replica_when_one_is_killed_and_the_restarted_one_sees_its_work()
    {
        var signer = await fixture.CreateSignerAsync("failover", guarded: false);
        using var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(signer.PublicKey.Span, out _);
        var request = SignTests.Request(signer.Name, SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, Digest);

        fixture.First.Kill();
        try
        {
            var signed = await new Clients(fixture.Second.CreateChannel(fixture.RequesterKey)).Sign.SignAsync(request);
            Assert.True(key.VerifyHash(Digest, signed.Signature.Span));

            await fixture.First.RestartAsync();
            var admin = new Clients(fixture.First.CreateChannel(fixture.First.AdminApiKey));
            var events = (await admin.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest
            {
                Filter = new AuditFilter { Signer = signer.Name, Types_ = { "signature.created" } },
            })).Events;
            Assert.Equal(signed.AuditEventId, Assert.Single(events).Id);
            Assert.True((await admin.Audit.VerifyAuditChainAsync(new VerifyAuditChainRequest())).Valid);
        }
        finally
        {
            // Whatever failed above, the other tests need both replicas.
            if (!await ServesAsync(fixture.First))
            {
                await fixture.First.RestartAsync();
            }
        }
    }

    [Fact]
    public async Task Replicas_starting_together_apply_the_migrations_once()
    {
        var database = PostgresCluster.Shared.CreateDatabase();
        var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => PostgresStore.Open(database))));
        foreach (var store in stores)
        {
            store.Dispose();
        }
        await using var connection = new NpgsqlConnection(PostgresConnectionString.Parse(database) + ";Pooling=False");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_version", connection);
        Assert.Equal("1,2,3,4,5,6,7,8", await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Serving_an_uninitialized_database_fails_and_creates_nothing()
    {
        var database = PostgresCluster.Shared.CreateDatabase();
        var (exitCode, _, stderr) = await PublishedServerTests.RunAsync("--data-dir", fixture.First.DataDir, "--database", database, "--listen", "127.0.0.1:0");
        Assert.Equal(1, exitCode);
        Assert.Contains("not initialized", stderr, StringComparison.Ordinal);
        await using var connection = new NpgsqlConnection(PostgresConnectionString.Parse(database) + ";Pooling=False");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", connection);
        Assert.Equal(0L, await command.ExecuteScalarAsync());
    }

    [Theory]
    [InlineData("mysql://user:s3cret-pw@host/db")]
    [InlineData("postgres://user:s3cret-pw@/db")]
    [InlineData("Host=h;Bogus=s3cret-pw")]
    public async Task A_bad_database_argument_is_refused_without_echoing_it(string database)
    {
        var (exitCode, _, stderr) = await PublishedServerTests.RunAsync("--data-dir", fixture.First.DataDir, "--database", database, "--listen", "127.0.0.1:0");
        Assert.Equal(2, exitCode);
        Assert.Contains("--database", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pw", stderr, StringComparison.Ordinal);
    }

    private static async Task<bool> ServesAsync(ServerProcess server)
    {
        try
        {
            await new Clients(server.CreateChannel(server.AdminApiKey)).Identity.WhoAmIAsync(new Google.Protobuf.WellKnownTypes.Empty());
            return true;
        }
        catch (RpcException)
        {
            return false;
        }
    }
}
