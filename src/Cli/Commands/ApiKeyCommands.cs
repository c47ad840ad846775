using System.CommandLine;
using CodeSigning.Cli.Parsing;
using CodeSigning.Cli.Output;
using CodeSigning.V1;
using Google.Protobuf.WellKnownTypes;

namespace CodeSigning.Cli.Commands;

/// <summary><c>csign api-key</c>: a user's API keys; the secret is shown once, at creation.</summary>
internal static class ApiKeyCommands
{
    public const string Usage = """
        usage: csign api-key <verb> ...

          create [--user NAME] [--description TEXT] [--ttl 90d]   prints the key once: api-key: csk_...
          list [--user NAME] [--include-revoked]
          revoke KEY_ID                   also revokes every key created with it
          revoke-all [--user NAME]        revokes every key of the user (and keys created with them)

        Without --user: your own keys. For another user: Product Admin.
        A key you create for yourself expires no later than the key you are using.

        """;

    public static Noun Command() => new("api-key", "API keys: create, list, revoke", Usage,
        new Verb("create", "create an API key; prints it once: api-key: csk_...", CreateAsync,
            UserOption(), Flags.Text("description", "what the key is for", "TEXT"), Flags.Duration("ttl", "how long it is valid, e.g. 90d")),
        new Verb("list", "API keys", ListAsync, UserOption(), Flags.Switch("include-revoked", "list revoked keys too")),
        new Verb("revoke", "revoke a key, and every key created with it", RevokeAsync, Flags.Positional("KEY_ID", "the API key id")),
        new Verb("revoke-all", "revoke every key of the user (and keys created with them)", RevokeAllAsync, UserOption()));

    private static Symbol UserOption() => Flags.Text("user", "another user's keys (Product Admin); default: your own", "NAME");

    private static async Task CreateAsync(Invocation invocation)
    {
        var args = invocation.Args;
        var request = new CreateApiKeyRequest { User = args.Option("user") ?? string.Empty, Description = args.Option("description") ?? string.Empty };
        if (args.Duration("ttl") is { } ttl)
        {
            request.Ttl = Duration.FromTimeSpan(ttl);
        }

        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        var created = await connection.Identity.CreateApiKeyAsync(request, cancellationToken: invocation.CancellationToken).ConfigureAwait(false);
        invocation.Printer.Print(created, w =>
        {
            w.WriteLine($"api-key: {created.Secret}");
            w.WriteLine($"id {created.ApiKey.Id} for {created.ApiKey.UserName}, expires {Printer.Time(created.ApiKey.ExpiresAt)}; shown once, store it now");
        });
    }

    private static async Task ListAsync(Invocation invocation)
    {
        var request = new ListApiKeysRequest { User = invocation.Args.Option("user") ?? string.Empty, IncludeRevoked = invocation.Args.Flag("include-revoked") };
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        var keys = await connection.Identity.ListApiKeysAsync(request, cancellationToken: invocation.CancellationToken).ConfigureAwait(false);
        var table = new Table("ID", "USER", "DESCRIPTION", "CREATED", "EXPIRES", "LAST USED", "REVOKED");
        foreach (var k in keys.ApiKeys)
        {
            table.Add(k.Id, k.UserName, k.Description, Printer.Time(k.CreatedAt), Printer.Time(k.ExpiresAt), Printer.Time(k.LastUsedAt), Printer.YesNo(k.Revoked));
        }

        invocation.Printer.Print(keys, table);
    }

    private static async Task RevokeAsync(Invocation invocation)
    {
        var id = invocation.Args.RequiredPositional("the API key id");
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        var key = await connection.Identity.RevokeApiKeyAsync(new RevokeApiKeyRequest { ApiKeyId = id }, cancellationToken: invocation.CancellationToken).ConfigureAwait(false);
        invocation.Printer.Print(key, w => w.WriteLine($"API key {key.Id} of {key.UserName} revoked, with every key created with it"));
    }

    private static async Task RevokeAllAsync(Invocation invocation)
    {
        var user = invocation.Args.Option("user") ?? string.Empty;
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        var revoked = await connection.Identity.RevokeUserApiKeysAsync(new RevokeUserApiKeysRequest { User = user }, cancellationToken: invocation.CancellationToken).ConfigureAwait(false);
        invocation.Printer.Print(revoked, w => w.WriteLine(
            $"{revoked.RevokedApiKeyIds.Count} API key(s) revoked{(revoked.RevokedApiKeyIds.Count > 0 ? ": " + string.Join(' ', revoked.RevokedApiKeyIds) : "")}"));
    }
}
