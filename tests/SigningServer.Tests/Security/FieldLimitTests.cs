using System.Data.Common;
using System.Globalization;
using System.Net;
using CodeSigning.Server.Tests.Server;
using CodeSigning.Tests.Shared;
using CodeSigning.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace CodeSigning.Server.Tests.Security;

/// <summary>
/// Every caller-supplied string has a length limit (docs/api.md) and every body a size cap: a value
/// over its limit is INVALID_ARGUMENT naming the field, audited by name and length only; a body over
/// the cap is refused before it is read. The audit log stays small and readable by everyone.
/// </summary>
public sealed class FieldLimitTests(FieldLimitTests.Fixture fixture) : IClassFixture<FieldLimitTests.Fixture>
{
    private const string Signer = "bounded";
    private const int TwentyMegabytes = 20 * 1024 * 1024;

    public sealed class Fixture : InProcessServer
    {
        public Clients Operator { get; private set; } = null!;
        public Clients Outsider { get; private set; } = null!;
        public string OutsiderKey { get; private set; } = "";

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            Operator = (await CreateUserAsync("operator")).Clients;
            (_, Outsider, OutsiderKey) = await CreateUserAsync("outsider");
            await CreateSignerAsync(Signer, KeyAlgorithm.EcP256, ("admin", Role.Administrator), ("operator", Role.Operator));
        }
    }

    [Fact]
    public async Task A_20_MB_client_host_is_refused_before_it_is_read_over_grpc_and_rest_and_the_log_does_not_grow()
    {
        var before = await EventsAsync();
        var stored = StoredBytes();
        var request = SignTests.Request(Signer, SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, new byte[32]);
        request.Client = new ClientContext { Host = new string('h', TwentyMegabytes) };

        var grpc = await Assert.ThrowsAsync<RpcException>(async () => await fixture.Outsider.Sign.SignAsync(request));
        Assert.Equal(StatusCode.ResourceExhausted, grpc.StatusCode);

        var json = "{\"scheme\":\"SIGNATURE_SCHEME_ECDSA\",\"digestAlgorithm\":\"DIGEST_ALGORITHM_SHA256\",\"digest\":\"" +
                   Convert.ToBase64String(new byte[32]) + "\",\"client\":{\"host\":\"" + new string('h', TwentyMegabytes) + "\"}}";
        var (status, body) = await RawGrpc.RestAsync(fixture.Url, HttpMethod.Post, $"/v1/signers/{Signer}:sign", fixture.OutsiderKey, json);
        // JSON transcoding answers Kestrel's body limit itself, before any server code: 400 with a
        // google.rpc.Status INVALID_ARGUMENT and no ErrorInfo (nobody was authenticated).
        Assert.Equal(HttpStatusCode.BadRequest, status);
        using (var error = System.Text.Json.JsonDocument.Parse(body))
        {
            Assert.Equal((int)StatusCode.InvalidArgument, error.RootElement.GetProperty("code").GetInt32());
            Assert.Equal("Request body too large. The max request body size is 2097152 bytes.", error.RootElement.GetProperty("message").GetString());
        }

        Assert.Equal(before.Count, (await EventsAsync()).Count);
        Assert.True(StoredBytes() - stored < 1024, $"the audit table grew by {StoredBytes() - stored} bytes");
        await fixture.Outsider.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest());
        await fixture.Operator.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest { Filter = new AuditFilter { Signer = Signer } });
    }

    [Fact]
    public async Task A_client_host_over_255_characters_from_a_non_member_is_invalid_argument_and_audited_by_length_only()
    {
        var before = await EventsAsync();
        var stored = StoredBytes();
        var request = SignTests.Request(Signer, SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, new byte[32]);
        request.Client = new ClientContext { Host = new string('h', 500_000) };

        var info = await Rpc.FailsAsync(() => fixture.Outsider.Sign.SignAsync(request), StatusCode.InvalidArgument, "INVALID_ARGUMENT");
        Assert.Equal("client.host", info.Metadata["field"]);

        var denied = Assert.Single((await EventsAsync()).Skip(before.Count));
        Assert.Equal(("request.invalid", AuditOutcome.Denied, "INVALID_ARGUMENT", "outsider"), (denied.Type, denied.Outcome, denied.Reason, denied.Actor.Name));
        Assert.Equal(("/codesigning.v1.SignService/Sign", "client.host", "500000", "255"),
            (denied.Details["method"], denied.Details["field"], denied.Details["length"], denied.Details["limit"]));
        Assert.Equal("", denied.Client.Host);
        Assert.True(StoredBytes() - stored < 1024);

        // At the limit it is an ordinary refusal: the outsider is no member (and hears SIGNER_NOT_FOUND).
        request.Client.Host = new string('h', 255);
        await Rpc.FailsAsync(() => fixture.Outsider.Sign.SignAsync(request), StatusCode.NotFound, "SIGNER_NOT_FOUND");
    }

    public static TheoryData<string, int> BoundedFields => new()
    {
        { "justification", 4096 },
        { "comment", 4096 },
        { "group.description", 1024 },
        { "group.name", 256 },
        { "client.correlation_id", 256 },
        { "client.process", 1024 },
        { "audit.filter.actor", 256 },
    };

    [Theory]
    [MemberData(nameof(BoundedFields))]
    public async Task Each_bounded_field_refuses_one_character_over_its_limit_and_creates_nothing(string field, int limit)
    {
        var over = new string('x', limit + 1);
        var groups = (await fixture.Admin.Members.ListGroupsAsync(new ListGroupsRequest())).Groups.Count;
        var requests = (await fixture.Operator.Approvals.ListSigningRequestsAsync(new ListSigningRequestsRequest())).Requests.Count;
        var before = await EventsAsync();

        var (call, expectedField) = field switch
        {
            "justification" => ((Func<Task>)(async () => await fixture.Operator.Approvals.CreateSigningRequestAsync(new CreateSigningRequestRequest
                { Signer = Signer, Justification = over, SignatureCount = 1, Window = Duration.FromTimeSpan(TimeSpan.FromHours(1)) })), "justification"),
            "comment" => (async () => await fixture.Admin.Approvals.ApproveSigningRequestAsync(new DecideSigningRequestRequest { RequestId = "r", Comment = over }), "comment"),
            "group.description" => (async () => await fixture.Admin.Members.CreateGroupAsync(new CreateGroupRequest { Name = "described", Description = over }), "description"),
            "group.name" => (async () => await fixture.Admin.Members.CreateGroupAsync(new CreateGroupRequest { Name = over }), "name"),
            "client.correlation_id" => (async () => await fixture.Operator.Sign.SignAsync(WithClient(new ClientContext { CorrelationId = over })), "client.correlation_id"),
            "client.process" => (async () => await fixture.Operator.Sign.SignAsync(WithClient(new ClientContext { Process = over })), "client.process"),
            _ => (async () => await fixture.Operator.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest { Filter = new AuditFilter { Actor = over } }), "filter.actor"),
        };

        var info = await Rpc.FailsAsync(call, StatusCode.InvalidArgument, "INVALID_ARGUMENT");

        Assert.Equal(expectedField, info.Metadata["field"]);
        var denied = Assert.Single((await EventsAsync()).Skip(before.Count));
        Assert.Equal(("request.invalid", expectedField, (limit + 1).ToString(CultureInfo.InvariantCulture)), (denied.Type, denied.Details["field"], denied.Details["length"]));
        Assert.Equal(groups, (await fixture.Admin.Members.ListGroupsAsync(new ListGroupsRequest())).Groups.Count);
        Assert.Equal(requests, (await fixture.Operator.Approvals.ListSigningRequestsAsync(new ListSigningRequestsRequest())).Requests.Count);
    }

    [Fact]
    public void The_largest_legitimate_call_fits_the_message_cap_many_times_over()
    {
        // A Signer created from an imported RSA-4096 key and a three-certificate chain of RSA-4096 certificates.
        using var rsa = System.Security.Cryptography.RSA.Create(4096);
        var request = new CreateSignerRequest
        {
            Name = "imported", Description = new string('d', 1024), Subject = new string('s', 1024), KeyAlgorithm = KeyAlgorithm.Rsa4096,
            ImportPrivateKey = ByteString.CopyFrom(rsa.ExportPkcs8PrivateKey()),
        };
        var certificate = new byte[2200];
        for (var i = 0; i < 3; i++)
        {
            request.ImportCertificateChain.Add(ByteString.CopyFrom(certificate));
        }
        Assert.True(request.CalculateSize() * 16 < CodeSigning.Server.Hosting.ServerHost.MaxMessageSize, $"{request.CalculateSize()} bytes");
        Assert.True(Google.Protobuf.JsonFormatter.Default.Format(request).Length * 16 < CodeSigning.Server.Hosting.ServerHost.MaxRestBodySize);
    }

    [Fact]
    public async Task A_20_MB_event_from_an_older_server_is_returned_cut_and_does_not_stop_query_or_export()
    {
        // An event an older server stored before fields were bounded: a copy of the latest with a 20 MB host.
        using (var connection = fixture.OpenDatabase())
        {
            using var command = connection.CreateCommand();
            // Numbered as the store numbers (PostgreSQL from its sequence), next in the copied event's chain.
            command.CommandText = $"""
                INSERT INTO audit_events (sequence, id, time, type, outcome, actor_kind, actor_id, actor_name, signer_id, signer_name, reason,
                    client_host, client_process, client_pid, client_correlation_id, client_name, remote_address, details, hash, previous_hash,
                    chain, chain_sequence)
                SELECT {(TestDatabase.IsPostgres ? "nextval('audit_sequence')" : "sequence + 1")}, 'huge', time, 'signature.denied', outcome,
                    actor_kind, actor_id, actor_name, signer_id, signer_name, reason, @host, client_process, client_pid, client_correlation_id,
                    client_name, remote_address, details, hash, hash, chain, chain_sequence + 1
                FROM audit_events WHERE sequence = (SELECT MAX(sequence) FROM audit_events)
                """;
            var host = command.CreateParameter();
            host.ParameterName = "@host";
            host.Value = new string('h', TwentyMegabytes);
            command.Parameters.Add(host);
            Assert.Equal(1, command.ExecuteNonQuery());
        }
        await fixture.Admin.Members.CreateGroupAsync(new CreateGroupRequest { Name = "after-the-huge-one" });

        // Page after page, as csign export reads: every event, the huge one cut, the later ones reached.
        var events = await EventsAsync();

        var huge = Assert.Single(events, e => e.Id == "huge");
        Assert.StartsWith(new string('h', 1024) + "... (20971520 characters)", huge.Client.Host, StringComparison.Ordinal);
        Assert.Equal("client.host", huge.Details["truncated"]);
        Assert.Contains(events, e => e.Type == "group.created" && e.Details["group"] == "after-the-huge-one");
        Assert.Equal(events.Select(e => e.Sequence).Order(), events.Select(e => e.Sequence));

        // The stream too.
        using var follow = fixture.Admin.Audit.FollowAuditEvents(new FollowAuditEventsRequest { AfterSequence = huge.Sequence - 1 });
        Assert.True(await follow.ResponseStream.MoveNext());
        Assert.Equal("huge", follow.ResponseStream.Current.Id);
        Assert.True(follow.ResponseStream.Current.CalculateSize() < 64 * 1024);
    }

    private static SignRequest WithClient(ClientContext client)
    {
        var request = SignTests.Request(Signer, SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, new byte[32]);
        request.Client = client;
        return request;
    }

    /// <summary>Every event, page after page, as csign export reads them.</summary>
    private async Task<IReadOnlyList<AuditEvent>> EventsAsync()
    {
        var events = new List<AuditEvent>();
        var request = new QueryAuditEventsRequest { PageSize = 1000 };
        do
        {
            var page = await fixture.Admin.Audit.QueryAuditEventsAsync(request);
            events.AddRange(page.Events);
            request.AfterSequence = page.NextAfterSequence;
        }
        while (request.AfterSequence != 0);
        return events;
    }

    /// <summary>The bytes of caller-supplied text the audit table holds.</summary>
    private long StoredBytes()
    {
        using var connection = fixture.OpenDatabase();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(SUM(LENGTH(client_host) + LENGTH(client_process) + LENGTH(client_correlation_id) + LENGTH(details)), 0) FROM audit_events";
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
