using System.CommandLine;
using CodeSigning.V1;
using Google.Rpc;
using Grpc.Core;

namespace CodeSigning.Cli.Connection;

/// <summary>
/// The server names a bad request field by its contract name (<c>signatures_allowed</c>); the user
/// typed an option (<c>--count</c>). Puts the option the verb has for that field in the message.
/// </summary>
internal static class ContractFields
{
    private static readonly Dictionary<string, string> OptionOf = new(StringComparer.Ordinal)
    {
        ["signatures_allowed"] = "--count",
        ["signature_count"] = "--count",
        ["window"] = "--window",
        ["justification"] = "--justification",
        ["grantee"] = "--grantee",
        ["validity"] = "--validity",
        ["subject"] = "--subject",
        ["key_algorithm"] = "--algorithm",
        ["certificate_authority"] = "--ca",
        ["key_vault"] = "--key-vault",
        ["import_private_key"] = "--import-key",
        ["import_certificate_chain"] = "--certificate",
        ["role"] = "--role",
        ["ttl"] = "--ttl",
        ["url"] = "--url",
        ["secret"] = "--secret-file",
        ["event_types"] = "--event",
        ["public_key"] = "--public-key",
        ["policy.approvers"] = "--approver",
        ["policy.approvals_required"] = "--approvals-required",
        ["policy.max_signatures_per_grant"] = "--max-signatures",
        ["policy.max_grant_window"] = "--max-window",
        ["policy.request_ttl"] = "--request-ttl",
    };

    public static string InFlagTerms(RpcException exception, string message, Command verb)
    {
        var info = exception.GetRpcStatus()?.GetDetail<ErrorInfo>();
        if (info is null || info.Domain != ErrorDomain.Name || !info.Metadata.TryGetValue("field", out var field)
            || !OptionOf.TryGetValue(field, out var option) || !verb.Options.Any(o => o.Name == option))
        {
            return message;
        }

        // RpcFailure's hint for INVALID_ARGUMENT ends the message.
        var hint = $"check the value of {field}";
        return message.EndsWith(hint, StringComparison.Ordinal) ? $"{message[..^hint.Length]}check the value of {option}" : message;
    }
}
