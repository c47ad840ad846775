using System.Security.Cryptography;
using CodeSigning.Ksp.Cng;
using CodeSigning.Pkcs11.Native.Tests;
using CodeSigning.V1;
using static CodeSigning.Ksp.Cng.SECURITY_STATUS;

namespace CodeSigning.Ksp.Native.Tests;

/// <summary>
/// Every error path of the table with its exact SECURITY_STATUS: bad arguments, flags and handles,
/// what a signing-only remote key cannot do, and the server's refusals (unknown key, approval
/// required, revoked credential, server down). None may crash the host; none may sign.
/// </summary>
[Collection(KspCollection.Name)]
public sealed class ErrorTests(RealServerFixture real)
{
    private const SECURITY_STATUS STATUS_INVALID_PARAMETER = (SECURITY_STATUS)0xC000000D;

    private static readonly Dictionary<string, SECURITY_STATUS> Expected = new()
    {
        ["interface-null"] = STATUS_INVALID_PARAMETER,
        ["provider-null-handle"] = NTE_INVALID_PARAMETER,
        ["provider-bad-flags"] = NTE_BAD_FLAGS,
        ["open-provider-2"] = ERROR_SUCCESS,
        ["open-unknown"] = NTE_BAD_KEYSET,
        ["open-control-characters"] = NTE_BAD_KEYSET,
        ["open-bad-flags"] = NTE_BAD_FLAGS,
        ["open-bad-keyspec"] = NTE_INVALID_PARAMETER,
        ["open-null-name"] = NTE_INVALID_PARAMETER,
        ["open-null-handle"] = NTE_INVALID_PARAMETER,
        ["open-bad-provider"] = NTE_INVALID_HANDLE,
        ["open-rsa"] = ERROR_SUCCESS,
        ["open-ec"] = ERROR_SUCCESS,
        ["prop-unknown"] = NTE_NOT_SUPPORTED,
        ["prop-null-size"] = NTE_INVALID_PARAMETER,
        ["prop-null-name"] = NTE_INVALID_PARAMETER,
        ["prop-bad-flags"] = NTE_BAD_FLAGS,
        ["prop-bad-key"] = NTE_INVALID_HANDLE,
        ["prop-key-of-other-provider"] = NTE_INVALID_HANDLE,
        ["prop-curve-of-rsa"] = NTE_NOT_SUPPORTED,
        ["provider-prop-unknown"] = NTE_NOT_SUPPORTED,
        ["sign-rsa-no-padding-flag"] = NTE_INVALID_PARAMETER,
        ["sign-rsa-null-padding-info"] = NTE_INVALID_PARAMETER,
        ["sign-rsa-pad-none"] = NTE_NOT_SUPPORTED,
        ["sign-rsa-both-paddings"] = NTE_INVALID_PARAMETER,
        ["sign-rsa-sha1"] = NTE_NOT_SUPPORTED,
        ["sign-rsa-raw-pkcs1"] = NTE_NOT_SUPPORTED,
        ["sign-rsa-wrong-length"] = NTE_INVALID_PARAMETER,
        ["sign-rsa-pss-salt-20"] = NTE_NOT_SUPPORTED,
        ["sign-bad-flags"] = NTE_BAD_FLAGS,
        ["sign-ec-padding-flag"] = NTE_BAD_FLAGS,
        ["sign-ec-20-bytes"] = NTE_NOT_SUPPORTED,
        ["sign-ec-empty-hash"] = NTE_INVALID_PARAMETER,
        ["sign-bad-key"] = NTE_INVALID_HANDLE,
        ["sign-null-result"] = NTE_INVALID_PARAMETER,
        ["sign-null-hash"] = NTE_INVALID_PARAMETER,
        ["export-private"] = NTE_NOT_SUPPORTED,
        ["export-pkcs8"] = NTE_NOT_SUPPORTED,
        ["export-ecc-blob-of-rsa"] = NTE_NOT_SUPPORTED,
        ["export-rsa-public"] = ERROR_SUCCESS,
        ["is-alg-rsa"] = ERROR_SUCCESS,
        ["is-alg-aes"] = NTE_NOT_SUPPORTED,
        ["create-persisted-key"] = NTE_NOT_SUPPORTED,
        ["set-provider-property"] = NTE_NOT_SUPPORTED,
        ["set-key-property"] = NTE_NOT_SUPPORTED,
        ["finalize-key"] = NTE_NOT_SUPPORTED,
        ["delete-key"] = NTE_NOT_SUPPORTED,
        ["encrypt"] = NTE_NOT_SUPPORTED,
        ["decrypt"] = NTE_NOT_SUPPORTED,
        ["enum-algorithms"] = NTE_NOT_SUPPORTED,
        ["import-key"] = NTE_NOT_SUPPORTED,
        ["verify-signature"] = NTE_NOT_SUPPORTED,
        ["prompt-user"] = NTE_NOT_SUPPORTED,
        ["notify-change-key"] = NTE_NOT_SUPPORTED,
        ["secret-agreement"] = NTE_NOT_SUPPORTED,
        ["derive-key"] = NTE_NOT_SUPPORTED,
        ["free-secret"] = NTE_NOT_SUPPORTED,
        ["key-derivation"] = NTE_NOT_SUPPORTED,
        ["create-claim"] = NTE_NOT_SUPPORTED,
        ["verify-claim"] = NTE_NOT_SUPPORTED,
        ["decrypt-bad-provider"] = NTE_INVALID_HANDLE,
        ["enum-foreign-state"] = NTE_INVALID_PARAMETER,
        ["enum-bad-flags"] = NTE_BAD_FLAGS,
        ["enum-null-name"] = NTE_INVALID_PARAMETER,
        ["free-buffer-foreign"] = NTE_INVALID_PARAMETER,
        ["free-buffer-null"] = NTE_INVALID_PARAMETER,
        ["free-key"] = ERROR_SUCCESS,
        ["free-key-again"] = NTE_INVALID_HANDLE,
        ["free-key-other-provider"] = NTE_INVALID_HANDLE,
        ["free-provider"] = ERROR_SUCCESS,
        ["use-key-after-free-provider"] = NTE_INVALID_HANDLE,
        ["free-provider-again"] = NTE_INVALID_HANDLE,
        ["free-other-provider"] = ERROR_SUCCESS,
    };

    [Fact]
    public async Task Bad_arguments_flags_handles_and_unsupported_operations_get_their_exact_NTE_code_and_sign_nothing()
    {
        var config = real.Config();
        config["log_level"] = "debug";
        real.WriteConfig(config);
        var before = await SignatureCountAsync();

        var output = KspDriver.Run(real, ["errors", real.Rsa.Name, real.P256.Name]);

        var reported = output.Lines.Where(l => !l.StartsWith("interface ", StringComparison.Ordinal) && !l.StartsWith("open-provider ", StringComparison.Ordinal))
            .Select(l => l.Split(' ')[0]).ToList();
        Assert.Equal(Expected.Keys.Order(), reported.Order());
        Assert.All(Expected, e => Assert.True(e.Value == output.Status(e.Key), $"{e.Key}: expected {e.Value}, got {output.Status(e.Key)}"));
        Assert.Equal(before, await SignatureCountAsync());
        // A caller's key name reaches the log with its control characters escaped: no forged lines.
        Assert.Contains("forged\\nINJECTED line", real.Log(), StringComparison.Ordinal);
        Assert.DoesNotContain(real.Log().Split('\n'), l => l.StartsWith("INJECTED", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Approval_required_is_NTE_PERM_with_the_csign_command_in_the_log_and_audited_as_denied()
    {
        real.WriteConfig(real.Config());
        using var admin = real.Admin();
        var approvals = new ApprovalService.ApprovalServiceClient(admin);
        await approvals.SetApprovalPolicyAsync(new SetApprovalPolicyRequest
        {
            Signer = real.Rsa.Name,
            Policy = new ApprovalPolicy { Approvers = { new PrincipalRef { Kind = PrincipalKind.User, Name = "admin" } }, ApprovalsRequired = 1 },
        });
        try
        {
            var created = await Audit.EventsAsync(real, real.Rsa.Id, "signature.created");
            var denied = await Audit.EventsAsync(real, real.Rsa.Id, "signature.denied");

            var output = Sign(real.Rsa.Name, "pkcs1");

            Assert.Equal(NTE_PERM, output.Status("sign"));
            Assert.Contains("csign request create --signer real-rsa --count 1", real.Log(), StringComparison.Ordinal);
            Assert.Equal(created.Count, (await Audit.EventsAsync(real, real.Rsa.Id, "signature.created")).Count);
            var denial = (await Audit.EventsAsync(real, real.Rsa.Id, "signature.denied")).Where(e => !denied.Any(d => d.Sequence == e.Sequence));
            Assert.StartsWith("codesign-ksp/", Assert.Single(denial).Client.Client, StringComparison.Ordinal);
        }
        finally
        {
            await approvals.ClearApprovalPolicyAsync(new ClearApprovalPolicyRequest { Signer = real.Rsa.Name });
        }
    }

    [Fact]
    public async Task A_revoked_api_key_is_NTE_INCORRECT_PASSWORD_when_signing_and_when_opening()
    {
        using var admin = real.Admin();
        var identity = new IdentityService.IdentityServiceClient(admin);
        await identity.CreateUserAsync(new CreateUserRequest { Name = "ksp-revoked" });
        var key = await identity.CreateApiKeyAsync(new CreateApiKeyRequest { User = "ksp-revoked" });
        await new MemberService.MemberServiceClient(admin).SetMemberAsync(new SetMemberRequest
        {
            Signer = real.P256.Name,
            Principal = new PrincipalRef { Kind = PrincipalKind.User, Name = "ksp-revoked" },
            Role = Role.Operator,
        });
        var config = real.Config();
        config["auth"] = new System.Text.Json.Nodes.JsonObject { ["api_key"] = key.Secret };
        real.WriteConfig(config);
        var created = (await Audit.EventsAsync(real, real.P256.Id, "signature.created")).Count;

        // Opened with a valid key, revoked before SignHash: the server refuses that very signature.
        var output = Sign(real.P256.Name, "ecdsa", () => identity.RevokeApiKeyAsync(new RevokeApiKeyRequest { ApiKeyId = key.ApiKey.Id }).ResponseAsync);
        Assert.Equal(NTE_INCORRECT_PASSWORD, output.Status("sign"));

        var reopened = KspDriver.Run(real, ["enum"]);
        Assert.Equal(NTE_INCORRECT_PASSWORD, reopened.Status("enum-end"));
        Assert.Equal(created, (await Audit.EventsAsync(real, real.P256.Id, "signature.created")).Count);
    }

    [Fact]
    public async Task The_server_down_is_NTE_DEVICE_NOT_READY_and_the_host_goes_on()
    {
        var config = real.Config();
        config["retries"] = 0;
        config["connect_timeout_ms"] = 1000;
        real.WriteConfig(config);
        try
        {
            var output = Sign(real.Rsa.Name, "pss", () =>
            {
                real.Server.Kill();
                return Task.CompletedTask;
            });
            Assert.Equal(NTE_DEVICE_NOT_READY, output.Status("sign"));
            Assert.Equal(ERROR_SUCCESS, output.Status("free-provider"));

            var enumeration = KspDriver.Run(real, ["enum"]);
            Assert.Equal(NTE_DEVICE_NOT_READY, enumeration.Status("enum-end"));
        }
        finally
        {
            await real.Server.RestartAsync();
        }
    }

    /// <summary>Signs a fresh SHA-256 digest with <paramref name="key"/>; <paramref name="beforeSign"/> runs between OpenKey and SignHash.</summary>
    private KspDriver.Output Sign(string key, string padding, Func<Task>? beforeSign = null)
    {
        var digest = Path.Combine(real.Directory.FullName, "digest");
        File.WriteAllBytes(digest, SHA256.HashData(RandomNumberGenerator.GetBytes(64)));
        string[] arguments = ["sign", key, padding, "SHA256", digest, Path.Combine(real.Directory.FullName, "signature")];
        var output = KspDriver.Run(real, beforeSign is null ? arguments : [.. arguments, "pause"], beforeSign);
        Assert.Equal(ERROR_SUCCESS, output.Status("sign-size"));
        return output;
    }

    private async Task<int> SignatureCountAsync() =>
        (await Audit.EventsAsync(real, real.Rsa.Id, "signature.created")).Count + (await Audit.EventsAsync(real, real.P256.Id, "signature.created")).Count;
}
