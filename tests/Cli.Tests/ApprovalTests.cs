namespace CodeSigning.Cli.Tests;

/// <summary>Policy, requests and grants: who may sign when, and that a refusal changes nothing.</summary>
[Collection(ServerCollection.Name)]
public sealed class ApprovalTests(ServerFixture fixture) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Without_a_grant_signing_is_refused_with_the_request_line_then_an_approval_lets_it_through()
    {
        var (signer, operatorName, operatorCsign, _, approverCsign) = await PolicySignerAsync();
        var data = await DataAsync();

        var refused = await operatorCsign.RunAsync("sign", "--signer", signer, "--in", data);
        Refusal.Assert(refused, "APPROVAL_REQUIRED");
        Assert.EndsWith($"; ask for approval with: csign request create --signer {signer} --justification \"...\" --count 1 --window 1h{Environment.NewLine}", refused.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(data + ".sig"));

        var requestId = Id(await operatorCsign.OkAsync("request", "create", "--signer", signer, "--justification", "release 1.2", "--count", "1", "--window", "1h", "--json"));
        Assert.Matches($"{requestId} .*pending", await approverCsign.OkAsync("request", "list", "--signer", signer, "--state", "pending"));
        var waiting = await operatorCsign.RunAsync("sign", "--signer", signer, "--in", data);
        Refusal.Assert(waiting, "APPROVAL_REQUIRED");
        Assert.Contains($"your request {requestId} is waiting for approval: csign request show {requestId}", waiting.Error, StringComparison.Ordinal);
        Refusal.Assert(await operatorCsign.RunAsync("request", "approve", requestId), "NOT_AN_APPROVER");

        var approved = await approverCsign.OkAsync("request", "approve", requestId, "--comment", "ok");
        Assert.Contains("state:         approved", approved, StringComparison.Ordinal);

        var signed = await operatorCsign.OkAsync("sign", "--signer", signer, "--in", data);
        Assert.Contains("(0 signatures left)", signed, StringComparison.Ordinal);
        // The one-signature grant is spent: the next signature needs a new approval.
        File.Delete(data + ".sig");
        Refusal.Assert(await operatorCsign.RunAsync("sign", "--signer", signer, "--in", data), "APPROVAL_REQUIRED");
        Assert.Matches($"{operatorName} +1/1", await fixture.Admin.OkAsync("grant", "list", signer, "--include-spent"));
    }

    [Fact]
    public async Task Denied_and_cancelled_requests_grant_nothing_and_cannot_be_decided_again()
    {
        var (signer, _, operatorCsign, _, approverCsign) = await PolicySignerAsync();
        var data = await DataAsync();

        var denied = Id(await operatorCsign.OkAsync("request", "create", "--signer", signer, "--justification", "a", "--json"));
        Assert.Contains("state:         denied", await approverCsign.OkAsync("request", "deny", denied, "--comment", "not today"), StringComparison.Ordinal);
        Refusal.Assert(await approverCsign.RunAsync("request", "approve", denied), "REQUEST_NOT_PENDING");

        var cancelled = Id(await operatorCsign.OkAsync("request", "create", "--signer", signer, "--justification", "b", "--json"));
        Assert.Contains("state:         cancelled", await operatorCsign.OkAsync("request", "cancel", cancelled), StringComparison.Ordinal);
        Refusal.Assert(await approverCsign.RunAsync("request", "approve", cancelled), "REQUEST_NOT_PENDING");

        Refusal.Assert(await operatorCsign.RunAsync("sign", "--signer", signer, "--in", data), "APPROVAL_REQUIRED");
        Assert.DoesNotContain("\n", (await fixture.Admin.OkAsync("grant", "list", signer, "--include-spent")).TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_administrator_pre_approves_with_a_grant_and_revoking_it_ends_signing()
    {
        var (signer, operatorName, operatorCsign, _, _) = await PolicySignerAsync();
        var data = await DataAsync();

        var grant = ServerFixture.Json(await fixture.Admin.OkAsync("grant", "create", "--signer", signer, "--grantee", $"user:{operatorName}", "--count", "5", "--window", "2h", "--json"));
        var grantId = grant.GetProperty("id").GetString()!;
        Refusal.Assert(await operatorCsign.RunAsync("grant", "create", "--signer", signer, "--grantee", $"user:{operatorName}", "--count", "5"), "ROLE_FORBIDS");

        Assert.Contains("(4 signatures left)", await operatorCsign.OkAsync("sign", "--signer", signer, "--in", data), StringComparison.Ordinal);
        Assert.Contains("revoked after 1 of 5 signatures", await fixture.Admin.OkAsync("grant", "revoke", grantId), StringComparison.Ordinal);
        Refusal.Assert(await operatorCsign.RunAsync("sign", "--signer", signer, "--in", data), "APPROVAL_REQUIRED");
    }

    [Fact]
    public async Task Clearing_the_policy_lets_members_sign_at_once()
    {
        var (signer, _, operatorCsign, _, _) = await PolicySignerAsync();
        var data = await DataAsync();
        Refusal.Assert(await operatorCsign.RunAsync("policy", "clear", signer), "ROLE_FORBIDS");

        await fixture.Admin.OkAsync("policy", "clear", signer);

        Assert.Contains("no approval policy", await operatorCsign.OkAsync("policy", "show", signer), StringComparison.Ordinal);
        await operatorCsign.OkAsync("sign", "--signer", signer, "--in", data);
    }

    [Fact]
    public async Task Policy_set_changes_only_what_it_names_and_self_pre_approval_follows_the_policy()
    {
        var (signer, _, _, _, _) = await PolicySignerAsync();
        await fixture.Admin.OkAsync("policy", "set", signer, "--max-signatures", "10");

        var shown = await fixture.Admin.OkAsync("policy", "set", signer, "--approvals-required", "1");

        Assert.Matches("max signatures: +10\n", shown);
        Assert.Matches("max window: +8h\n", shown);
        Assert.Matches("self-pre-approval: +allowed\n", shown);
        Refusal.Assert(await fixture.Admin.RunAsync("policy", "set", signer, "--approvals-required", "3"), "POLICY_UNSATISFIABLE");

        Assert.Matches("self-pre-approval: +forbidden\n", await fixture.Admin.OkAsync("policy", "set", signer, "--self-preapproval", "forbid"));
        Refusal.Assert(await fixture.Admin.RunAsync("grant", "create", "--signer", signer, "--grantee", "user:admin", "--count", "5"), "SELF_PREAPPROVAL_FORBIDDEN");
        Assert.DoesNotContain("admin", await fixture.Admin.OkAsync("grant", "list", signer), StringComparison.Ordinal);
        Assert.Equal(2, (await fixture.Admin.RunAsync("policy", "set", signer)).ExitCode);
    }

    [Fact]
    public async Task Lists_for_people_show_human_state_and_role_names_and_json_keeps_the_contract_names()
    {
        var (signer, operatorName, operatorCsign, _, approverCsign) = await PolicySignerAsync();
        var denied = Id(await operatorCsign.OkAsync("request", "create", "--signer", signer, "--justification", "names", "--json"));
        await approverCsign.OkAsync("request", "deny", denied);

        var list = await approverCsign.OkAsync("request", "list", "--signer", signer, "--state", "denied");
        Assert.Matches($"{denied} .* denied ", list);
        Assert.DoesNotContain("SIGNING_REQUEST_STATE", list, StringComparison.Ordinal);
        Assert.Contains("\"SIGNING_REQUEST_STATE_DENIED\"", await approverCsign.OkAsync("request", "list", "--signer", signer, "--state", "denied", "--json"), StringComparison.Ordinal);

        var members = await fixture.Admin.OkAsync("member", "list", signer);
        Assert.Matches($"user:{operatorName} +operator", members);
        Assert.DoesNotContain("ROLE_", members, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_count_over_the_policys_cap_is_refused_naming_the_count_option_and_no_grant_is_made()
    {
        var (signer, operatorName, _, _, _) = await PolicySignerAsync();
        await fixture.Admin.OkAsync("policy", "set", signer, "--max-signatures", "2");

        var run = await fixture.Admin.RunAsync("grant", "create", "--signer", signer, "--grantee", $"user:{operatorName}", "--count", "3");

        Refusal.Assert(run, "INVALID_ARGUMENT");
        Assert.EndsWith($"; check the value of --count{Environment.NewLine}", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(operatorName, await fixture.Admin.OkAsync("grant", "list", signer, "--include-spent"), StringComparison.Ordinal);
    }

    /// <summary>A Signer whose policy needs one approval from a dedicated approver, and an Operator.</summary>
    private async Task<(string Signer, string OperatorName, CliRunner Operator, string ApproverName, CliRunner Approver)> PolicySignerAsync()
    {
        var (operatorName, operatorCsign) = await fixture.NewUserAsync("op");
        var (approverName, approverCsign) = await fixture.NewUserAsync("approver");
        var signer = await fixture.NewSignerAsync("guarded", "--operator", operatorName, "--auditor", approverName);
        await fixture.Admin.OkAsync("policy", "set", signer, "--approver", $"user:{approverName}", "--approvals-required", "1", "--max-window", "8h");
        return (signer, operatorName, operatorCsign, approverName, approverCsign);
    }

    private async Task<string> DataAsync()
    {
        var path = _dir.File(Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(path, "to be signed");
        return path;
    }

    private static string Id(string json) => ServerFixture.Json(json).GetProperty("id").GetString()!;
}
