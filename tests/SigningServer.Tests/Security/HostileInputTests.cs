using System.Net;
using CodeSigning.Server.Tests.Server;
using CodeSigning.V1;
using Google.Protobuf;
using Grpc.Core;

namespace CodeSigning.Server.Tests.Security;

/// <summary>
/// Input no honest client sends, at the real server: each is refused with its exact status (and
/// ErrorInfo reason once the server reads the message), signs and changes nothing, and is audited
/// whenever the server got far enough to know who asked.
/// </summary>
public sealed class HostileInputTests(HostileInputTests.Fixture fixture) : IClassFixture<HostileInputTests.Fixture>
{
    private const string Signer = "hostile-target";
    private const string SignMethod = "/codesigning.v1.SignService/Sign";

    public sealed class Fixture : InProcessServer
    {
        public Clients Operator { get; private set; } = null!;
        public string OperatorKey { get; private set; } = "";

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            (_, Operator, OperatorKey) = await CreateUserAsync("operator");
            await CreateSignerAsync(Signer, KeyAlgorithm.EcP256, ("admin", Role.Administrator), ("operator", Role.Operator));
        }
    }

    /// <remarks>
    /// The gRPC framework parses the message before any interceptor runs, so these answers are its
    /// own: UNKNOWN for a message that does not parse, INTERNAL for a frame that ends early, neither
    /// with an ErrorInfo nor an audit event (the credential has not been looked at yet).
    /// </remarks>
    public static TheoryData<string, byte[], int?, StatusCode> MalformedFrames => new()
    {
        { "random bytes", [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], null, StatusCode.Unknown },
        { "a length-delimited field longer than the message", [0x0a, 0x7f, 0x41, 0x42], null, StatusCode.Unknown },
        { "an end-group tag with no group", [0x0c], null, StatusCode.Unknown },
        { "a frame shorter than its declared length", [0x0a, 0x01, 0x41], 4096, StatusCode.Internal },
    };

    [Theory]
    [MemberData(nameof(MalformedFrames))]
    public async Task A_malformed_protobuf_frame_is_refused_and_the_server_keeps_serving(string flaw, byte[] message, int? declaredLength, StatusCode expected)
    {
        var before = await AuditCountAsync();

        var (status, detail) = await RawGrpc.CallAsync(fixture.Url, SignMethod, fixture.OperatorKey, message, declaredLength);

        Assert.True(status == (int)expected, $"{flaw}: status {status} {detail}");
        Assert.DoesNotContain("   at ", detail, StringComparison.Ordinal);
        Assert.Equal(before, await AuditCountAsync());
        await fixture.Operator.Sign.SignAsync(SignTests.Request(Signer, SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, new byte[32]));
    }

    public static TheoryData<string> MalformedJson =>
    [
        "{\"scheme\": \"SIGNATURE_SCHEME_ECDSA\", \"digestAlgorithm\": ",
        "[1, 2, 3]",
        "{\"scheme\": \"SIGNATURE_SCHEME_ECDSA\", \"digestAlgorithm\": \"DIGEST_ALGORITHM_SHA256\", \"digest\": \"not base64 !!\"}",
        "{\"scheme\": \"SIGNATURE_SCHEME_ROT13\", \"digestAlgorithm\": \"DIGEST_ALGORITHM_SHA256\", \"digest\": \"AAAA\"}",
        "{\"scheme\": {\"nested\": true}}",
    ];

    [Theory]
    [MemberData(nameof(MalformedJson))]
    public async Task Malformed_json_on_rest_is_invalid_argument_and_signs_nothing(string json)
    {
        var before = await AuditCountAsync();

        var (status, body) = await RawGrpc.RestAsync(fixture.Url, HttpMethod.Post, $"/v1/signers/{Signer}:sign", fixture.OperatorKey, json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        using var error = System.Text.Json.JsonDocument.Parse(body);
        Assert.Equal((int)StatusCode.InvalidArgument, error.RootElement.GetProperty("code").GetInt32());
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        Assert.Equal(before, await AuditCountAsync());
    }

    [Fact]
    public async Task An_oversized_digest_is_refused_and_audited_by_its_length_only()
    {
        var before = await AuditCountAsync();

        await Rpc.FailsAsync(() => fixture.Operator.Sign.SignAsync(SignTests.Request(Signer, SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, new byte[512 * 1024])),
            StatusCode.InvalidArgument, "DIGEST_LENGTH_INVALID");

        var denied = Assert.Single(await EventsAfterAsync(before));
        Assert.Equal(("signature.denied", "DIGEST_LENGTH_INVALID", "524288"), (denied.Type, denied.Reason, denied.Details["digest_length"]));
        Assert.False(denied.Details.ContainsKey("digest_hex"));
    }

    [Fact]
    public async Task A_message_over_the_size_limit_is_refused_before_it_is_read()
    {
        var before = await AuditCountAsync();

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await fixture.Operator.Sign.SignAsync(SignTests.Request(Signer, SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, new byte[5 * 1024 * 1024])));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Equal(before, await AuditCountAsync());
    }

    [Theory]
    [InlineData(99, DigestAlgorithm.Sha256)]
    [InlineData(-1, DigestAlgorithm.Sha256)]
    [InlineData((int)SignatureScheme.Ecdsa, (DigestAlgorithm)99)]
    public async Task An_unknown_algorithm_number_is_refused_and_audited(int scheme, DigestAlgorithm digestAlgorithm)
    {
        var before = await AuditCountAsync();

        await Rpc.FailsAsync(() => fixture.Operator.Sign.SignAsync(SignTests.Request(Signer, (SignatureScheme)scheme, digestAlgorithm, new byte[32])),
            StatusCode.InvalidArgument, "ALGORITHM_NOT_SUPPORTED");

        var denied = Assert.Single(await EventsAfterAsync(before));
        Assert.Equal(("signature.denied", "operator", Signer), (denied.Type, denied.Actor.Name, denied.SignerName));
    }

    [Fact]
    public async Task An_unknown_key_algorithm_or_role_creates_nothing()
    {
        var signers = (await fixture.Admin.Signers.ListSignersAsync(new ListSignersRequest())).Signers.Count;

        await Rpc.FailsAsync(() => fixture.Admin.Signers.CreateSignerAsync(new CreateSignerRequest
        {
            Name = "never-made", KeyAlgorithm = (KeyAlgorithm)99, CertificateAuthority = CertificateAuthorityKind.Internal,
            Members = { new MemberSpec { Principal = InProcessServer.UserRef("admin"), Role = Role.Administrator } },
        }), StatusCode.InvalidArgument, "INVALID_ARGUMENT");
        await Rpc.FailsAsync(() => fixture.Admin.Members.SetMemberAsync(new SetMemberRequest
        {
            Signer = Signer, Principal = InProcessServer.UserRef("operator"), Role = (Role)99,
        }), StatusCode.InvalidArgument, "INVALID_ARGUMENT");

        Assert.Equal(signers, (await fixture.Admin.Signers.ListSignersAsync(new ListSignersRequest())).Signers.Count);
        var members = await fixture.Admin.Members.ListMembersAsync(new ListMembersRequest { Signer = Signer });
        Assert.Equal(Role.Operator, members.Members.Single(m => m.Principal.Name == "operator").Role);
    }

    private const string Injection = "x'); DROP TABLE users; --";

    [Fact]
    public async Task Sql_looking_names_are_refused_as_names_and_kept_verbatim_as_text()
    {
        var users = (await fixture.Admin.Identity.ListUsersAsync(new ListUsersRequest())).Users.Count;

        var info = await Rpc.FailsAsync(() => fixture.Admin.Identity.CreateUserAsync(new CreateUserRequest { Name = Injection }), StatusCode.InvalidArgument, "INVALID_ARGUMENT");
        Assert.Equal("name", info.Metadata["field"]);
        await Rpc.FailsAsync(() => fixture.Admin.Members.CreateGroupAsync(new CreateGroupRequest { Name = "g' OR '1'='1" }), StatusCode.InvalidArgument, "INVALID_ARGUMENT");
        await Rpc.FailsAsync(() => fixture.Operator.Sign.SignAsync(SignTests.Request("' OR '1'='1", SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, new byte[32])),
            StatusCode.NotFound, "SIGNER_NOT_FOUND");
        await Rpc.FailsAsync(() => fixture.Operator.Signers.GetSignerAsync(new GetSignerRequest { Signer = Signer + "' --" }), StatusCode.NotFound, "SIGNER_NOT_FOUND");
        var filtered = await fixture.Admin.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest
        {
            Filter = new AuditFilter { Types_ = { "x' OR '1'='1" }, Actor = "' OR 1=1 --" },
        });
        Assert.Empty(filtered.Events);

        // Free text is stored as given: it reaches SQL only as a parameter.
        var created = await fixture.Admin.Identity.CreateUserAsync(new CreateUserRequest { Name = "bobby", DisplayName = Injection });
        Assert.Equal(Injection, (await fixture.Admin.Identity.GetUserAsync(new GetUserRequest { User = "bobby" })).DisplayName);
        Assert.Equal(users + 1, (await fixture.Admin.Identity.ListUsersAsync(new ListUsersRequest())).Users.Count);
        Assert.Equal(created.Id, (await fixture.Admin.Identity.ListUsersAsync(new ListUsersRequest())).Users.Single(u => u.Name == "bobby").Id);
        Assert.True((await fixture.Admin.Audit.VerifyAuditChainAsync(new VerifyAuditChainRequest())).Valid);
    }

    private async Task<int> AuditCountAsync() =>
        (await fixture.Admin.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest { PageSize = 1000 })).Events.Count;

    private async Task<List<AuditEvent>> EventsAfterAsync(int count) =>
        (await fixture.Admin.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest { PageSize = 1000 })).Events.Skip(count).ToList();
}
