using System.Data.Common;
using CodeSigning.Server.Audit;
using CodeSigning.Server.Storage;
using CodeSigning.Server.Storage.Postgres;
using CodeSigning.Server.Storage.Sqlite;
using CodeSigning.Server.Tests.Keys;
using CodeSigning.Tests.Shared;
using CodeSigning.V1;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CodeSigning.Server.Tests.Storage;

/// <summary>
/// Migration 7 splits the audit log into chains: a log written before it, one chain with Signer
/// events in it, stays verifiable as the server-wide chain, and new events chain on per Signer.
/// On SQLite, and on PostgreSQL when CODESIGN_TEST_STORE=postgres.
/// </summary>
public sealed class AuditChainMigrationTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly string? _database = TestDatabase.Create();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void A_log_from_before_the_chains_stays_the_server_wide_chain_and_new_events_chain_on_per_Signer()
    {
        // Schema 6 and three events as a server of then wrote them: one chain, numbered 1, 2, 3.
        using (var connection = OpenAtVersion6())
        {
            var previous = new byte[32];
            foreach (var (sequence, signerId) in new[] { (1L, ""), (2L, "s-1"), (3L, "") })
            {
                var legacy = new AuditRecord(sequence, $"e{sequence}", DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000 + sequence),
                    "signature.created", AuditOutcome.Success, null, signerId, signerId, "", AuditClient.None, "",
                    new SortedDictionary<string, string>(StringComparer.Ordinal), [], previous, "", sequence);
                legacy = legacy with { Hash = AuditHash.Compute(legacy) };
                Insert(connection, legacy);
                previous = legacy.Hash;
            }
        }

        using var store = (IDisposable)new DatabaseLocation(_directory.Path, _database).Open();
        var audit = new AuditLog(TimeProvider.System);
        AuditRecord signerEvent, serverEvent;
        using (var session = ((IStore)store).Begin())
        {
            session.InsertSigner(new SignerRecord("s-1", "release", "", KeyAlgorithm.EcP256, true, CertificateAuthorityKind.Internal, "CN=release",
                [1], [2], [], null, DateTimeOffset.UtcNow, "software"));
            signerEvent = audit.Append(session, new AuditEntry(AuditEventTypes.SignatureCreated, AuditOutcome.Success, null, AuditClient.None, "") { SignerId = "s-1" });
            serverEvent = audit.Append(session, new AuditEntry(AuditEventTypes.GroupCreated, AuditOutcome.Success, null, AuditClient.None, ""));
            session.Commit();
        }

        Assert.Equal((4L, "s-1", 1L), (signerEvent.Sequence, signerEvent.Chain, signerEvent.ChainSequence));
        Assert.Equal((5L, "", 4L), (serverEvent.Sequence, serverEvent.Chain, serverEvent.ChainSequence));
        using var read = ((IStore)store).BeginRead();
        var server = read.ReadAuditChain("", 0, 10);
        Assert.Equal([1L, 2, 3, 5], server.Select(e => e.Sequence));
        Assert.Equal([1L, 2, 3, 4], server.Select(e => e.ChainSequence));
        Assert.Equal(server[2].Hash, server[3].PreviousHash);
        var verified = AuditLog.Verify(read);
        Assert.True(verified.Valid, verified.Message);
        Assert.Equal(5, verified.EventsChecked);
    }

    private DbConnection OpenAtVersion6()
    {
        if (_database is null)
        {
            var connection = new SqliteConnection($"Data Source={Path.Combine(_directory.Path, SqliteStore.FileName)}");
            connection.Open();
            SqliteMigrations.Apply(connection, target: 6);
            return connection;
        }
        using (var dataSource = NpgsqlDataSource.Create(PostgresConnectionString.Parse(_database)))
        {
            PostgresMigrations.Apply(dataSource, target: 6);
        }
        var postgres = new NpgsqlConnection(PostgresConnectionString.Parse(_database) + ";Pooling=False");
        postgres.Open();
        return postgres;
    }

    private static void Insert(DbConnection connection, AuditRecord record)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO audit_events (sequence, id, time, type, outcome, actor_kind, actor_id, actor_name, signer_id, signer_name, reason,
                client_host, client_process, client_pid, client_correlation_id, client_name, remote_address, details, hash, previous_hash)
            VALUES (@seq, @id, @time, @type, @outcome, NULL, NULL, NULL, @sid, @sn, '', '', '', 0, '', '', '', '{}', @hash, @prev)
            """;
        foreach (var (name, value) in new (string, object)[]
        {
            ("@seq", record.Sequence), ("@id", record.Id), ("@time", record.Time.ToUnixTimeMilliseconds()), ("@type", record.Type),
            ("@outcome", (int)record.Outcome), ("@sid", record.SignerId), ("@sn", record.SignerName), ("@hash", record.Hash), ("@prev", record.PreviousHash),
        })
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        Assert.Equal(1, command.ExecuteNonQuery());
    }
}
