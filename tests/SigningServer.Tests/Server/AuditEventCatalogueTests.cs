using System.Text.RegularExpressions;
using CodeSigning.Server.Audit;
using CodeSigning.Server.Tests.Rest;
using CodeSigning.Tests.Shared;
using CodeSigning.V1;

namespace CodeSigning.Server.Tests.Server;

/// <summary>
/// One catalogue of audit event types: the server writes only types of <see cref="AuditEventTypes"/>
/// (an <see cref="AuditEntry"/> takes an <see cref="AuditEventType"/>, which only the catalogue makes),
/// and docs/api.md lists exactly that catalogue, field by field.
/// </summary>
public sealed partial class AuditEventCatalogueTests(InProcessServer server) : IClassFixture<InProcessServer>
{
    private const string Heading = "Audit event types";

    [Fact]
    public async Task Events_written_by_a_working_server_have_the_outcomes_and_only_the_details_their_type_declares()
    {
        var (_, operatorClients, _) = await server.CreateUserAsync("operator");
        var (_, approverClients, _) = await server.CreateUserAsync("approver");
        await server.CreateSignerAsync("release", KeyAlgorithm.EcP256, ("admin", Role.Administrator), ("operator", Role.Operator));
        await server.Admin.Approvals.SetApprovalPolicyAsync(new SetApprovalPolicyRequest
        {
            Signer = "release", Policy = new ApprovalPolicy { ApprovalsRequired = 1, Approvers = { InProcessServer.UserRef("approver") } },
        });
        var request = await operatorClients.Approvals.CreateSigningRequestAsync(new CreateSigningRequestRequest
        {
            Signer = "release", Justification = "v1", SignatureCount = 1, Window = InProcessServer.Minutes(10),
        });
        await approverClients.Approvals.ApproveSigningRequestAsync(new DecideSigningRequestRequest { RequestId = request.Id });
        var digest = System.Security.Cryptography.SHA256.HashData("app"u8);
        await operatorClients.Sign.SignAsync(SignTests.Request("release", SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, digest));
        await Rpc.FailsAsync(() => operatorClients.Sign.SignAsync(SignTests.Request("release", SignatureScheme.Ecdsa, DigestAlgorithm.Sha256, digest)),
            Grpc.Core.StatusCode.FailedPrecondition, "APPROVAL_REQUIRED");
        var grant = await server.Admin.Approvals.CreateGrantAsync(new CreateGrantRequest
        {
            Signer = "release", Grantee = InProcessServer.UserRef("operator"), SignaturesAllowed = 1, Window = InProcessServer.Minutes(5), Justification = "hotfix",
        });
        await server.Admin.Approvals.RevokeGrantAsync(new RevokeGrantRequest { GrantId = grant.Id });
        await server.Admin.Signers.RenewCertificateAsync(new RenewCertificateRequest { Signer = "release", NewKey = true });
        await server.Admin.Signers.SetSignerEnabledAsync(new SetSignerEnabledRequest { Signer = "release", Enabled = false });
        await server.Admin.Members.CreateGroupAsync(new CreateGroupRequest { Name = "team" });
        await server.Admin.Members.AddGroupMemberAsync(new AddGroupMemberRequest { Group = "team", Principal = InProcessServer.UserRef("operator") });
        var webhook = await server.Admin.Webhooks.CreateWebhookAsync(new CreateWebhookRequest { Url = "http://127.0.0.1:9/hook", Secret = new string('s', 32) });
        await server.Admin.Webhooks.DeleteWebhookAsync(new DeleteWebhookRequest { WebhookId = webhook.Id });
        await Rpc.FailsAsync(() => server.As("csk_0123456789ab_" + new string('A', 43)).Signers.ListSignersAsync(new ListSignersRequest()),
            Grpc.Core.StatusCode.Unauthenticated, "CREDENTIAL_INVALID");
        await server.Admin.Audit.VerifyAuditChainAsync(new VerifyAuditChainRequest());

        var events = (await server.Admin.Audit.QueryAuditEventsAsync(new QueryAuditEventsRequest { PageSize = 1000 })).Events;
        var byName = AuditEventTypes.All.ToDictionary(t => t.Name);
        Assert.True(events.Select(e => e.Type).Distinct().Count() >= 15, "the scenario wrote too few types to check: " + string.Join(", ", events.Select(e => e.Type).Distinct()));
        Assert.All(events, e =>
        {
            Assert.True(byName.TryGetValue(e.Type, out var type), $"event type {e.Type} is not in the catalogue");
            Assert.Contains(e.Outcome, type!.Outcomes);
            var undeclared = e.Details.Keys.Where(k => !type.Details.Contains(k) && !(k.StartsWith("member.", StringComparison.Ordinal) && type.Details.Any(d => d.StartsWith("member.<", StringComparison.Ordinal))));
            Assert.True(!undeclared.Any(), $"{e.Type} carries details the catalogue does not declare: {string.Join(", ", undeclared)}");
        });
    }

    [Fact]
    public void Docs_api_md_lists_exactly_the_catalogue_with_its_outcomes_and_details()
    {
        var documented = TableRow().Matches(RestRouteDocTests.Section(Heading))
            .ToDictionary(m => m.Groups["type"].Value, m => m.Value.TrimEnd());
        var expected = AuditEventTypes.All.ToDictionary(t => t.Name, Row);

        var wrong = expected.Where(e => documented.GetValueOrDefault(e.Key) != e.Value).Select(e => e.Value).ToList();
        var extra = documented.Keys.Except(expected.Keys).ToList();
        Assert.True(wrong.Count == 0 && extra.Count == 0,
            $"docs/api.md '{Heading}' differs from AuditEventTypes.\nMissing or different rows, as the code defines them:\n{string.Join("\n", wrong)}\n" +
            $"Rows of types the code does not write: {string.Join(", ", extra)}");
    }

    [Fact]
    public void Every_type_has_a_distinct_dotted_name_an_outcome_and_a_description()
    {
        Assert.True(AuditEventTypes.All.Count >= 70, $"only {AuditEventTypes.All.Count} types");
        Assert.Equal(AuditEventTypes.All.Count, AuditEventTypes.All.Select(t => t.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.All(AuditEventTypes.All, t =>
        {
            Assert.Matches("^[a-z_]+\\.[a-z_]+$", t.Name);
            Assert.NotEmpty(t.Outcomes);
            Assert.DoesNotContain(AuditOutcome.Unspecified, t.Outcomes);
            Assert.EndsWith(".", t.When, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void No_server_source_makes_an_event_type_outside_the_catalogue()
    {
        var source = Path.Combine(ServerProcess.RepositoryRoot(), "src", "SigningServer");
        var catalogue = Path.Combine(source, "Audit", "AuditEventTypes.cs");
        var offending = Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
            .Where(f => f != catalogue && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Path.GetRelativePath(source, f), Line: i + 1, Text: line)))
            .Where(l => OutsideTheCatalogue().IsMatch(l.Text))
            .Select(l => $"{l.File}:{l.Line}: {l.Text.Trim()}")
            .ToList();

        Assert.True(offending.Count == 0, "event types made outside Audit/AuditEventTypes.cs:\n" + string.Join("\n", offending));
    }

    /// <summary>The docs row of a type: | `name` | when | OUTCOMES | `detail`, ... |</summary>
    private static string Row(AuditEventType type) =>
        $"| `{type.Name}` | {type.When} | {string.Join(", ", type.Outcomes.Select(OutcomeName))} | " +
        $"{(type.Details.Count == 0 ? "" : string.Join(", ", type.Details.Select(d => $"`{d}`")) + " ")}|";

    private static string OutcomeName(AuditOutcome outcome) => outcome switch
    {
        AuditOutcome.Success => "SUCCESS",
        AuditOutcome.Denied => "DENIED",
        AuditOutcome.Failed => "FAILED",
        _ => outcome.ToString(),
    };

    [GeneratedRegex(@"^\| `(?<type>[a-z_]+\.[a-z_]+)` \|.*$", RegexOptions.Multiline)]
    private static partial Regex TableRow();

    // A type made anywhere but the catalogue, or an entry or operation given a type by its name.
    [GeneratedRegex(@"new\s+AuditEventType\s*\(|new\s+AuditEntry\s*\(\s*""|operations\.(Change|Read)\s*\([^,]*,\s*""|Operations\.Entry\s*\([^,]*,\s*""")]
    private static partial Regex OutsideTheCatalogue();
}
