using System.CommandLine;
using CodeSigning.Cli.Output;
using CodeSigning.Cli.Parsing;
using CodeSigning.V1;

namespace CodeSigning.Cli.Commands;

/// <summary><c>csign webhook</c>: notifications to a URL (Product Admin), and how their deliveries went.</summary>
internal static class WebhookCommands
{
    public const string Usage = """
        usage: csign webhook <verb> ...                    (Product Admin)

          create --url URL --secret-file FILE [--event TYPE]... [--signer SIGNER]
          list
          delete WEBHOOK_ID                  its pending deliveries are dropped
          deliveries [WEBHOOK_ID] [--state pending|delivered|failed]... [--limit 100]

        The secret (at least 32 bytes, e.g. `openssl rand -hex 32 > FILE`) is read from FILE, never
        from the command line; trailing newlines are dropped. Without --event every notified event
        is sent: request.created, request.approved, request.denied, request.expired,
        request.cancelled, signature.denied, signer.disabled, signer.archived, grant.created.
        See docs/notifications.md for the payload and how to verify its signature.

        """;

    public static Noun Command() => new("webhook", "notify a URL of requests, denials and more (Product Admin)", Usage,
        new Verb("create", "send events to a URL", CreateAsync,
            Flags.Text("url", "where to POST the events", "URL"),
            Flags.Text("secret-file", "the file holding the shared secret (at least 32 bytes)", "FILE"),
            Flags.Repeated("event", "an event type to send; default: every notified event", "TYPE"),
            Flags.Text("signer", "only this Signer's events", "SIGNER")),
        new Verb("list", "every webhook", ListAsync),
        new Verb("delete", "delete a webhook; its pending deliveries are dropped", DeleteAsync, Flags.Positional("WEBHOOK_ID", "the webhook id")),
        new Verb("deliveries", "recent deliveries and their state", DeliveriesAsync,
            Flags.Positional("WEBHOOK_ID", "only this webhook's deliveries"),
            Flags.Choices<WebhookDeliveryState>("state", "only deliveries in this state"),
            Flags.Number("limit", "at most this many (default 100)", minimum: 1)));

    private static async Task CreateAsync(Invocation invocation)
    {
        var args = invocation.Args;
        var secretFile = args.Required("secret-file", "the file holding the shared secret");
        string secret;
        try
        {
            secret = (await File.ReadAllTextAsync(secretFile, invocation.CancellationToken).ConfigureAwait(false)).TrimEnd('\r', '\n');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CliException.LocalIo($"cannot read {secretFile}: {e.Message}");
        }
        var request = new CreateWebhookRequest
        {
            Url = args.Required("url", "where to POST the events"),
            Signer = args.Option("signer") ?? string.Empty,
            Secret = secret,
            EventTypes = { args.Options("event") },
        };
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        var webhook = await connection.Webhooks.CreateWebhookAsync(request, cancellationToken: invocation.CancellationToken).ConfigureAwait(false);
        invocation.Printer.Print(webhook, Properties(webhook));
    }

    private static async Task ListAsync(Invocation invocation)
    {
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        var list = await connection.Webhooks.ListWebhooksAsync(new ListWebhooksRequest(), cancellationToken: invocation.CancellationToken).ConfigureAwait(false);
        var table = new Table("ID", "URL", "EVENTS", "SIGNER", "CREATED", "BY");
        foreach (var w in list.Webhooks)
        {
            table.Add(w.Id, w.Url, Events(w), w.SignerName.Length > 0 ? w.SignerName : "*", Printer.Time(w.CreatedAt), PrincipalText.Format(w.CreatedBy));
        }
        invocation.Printer.Print(list, table);
    }

    private static async Task DeleteAsync(Invocation invocation)
    {
        var id = invocation.Args.RequiredPositional("the webhook id");
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        var empty = await connection.Webhooks.DeleteWebhookAsync(new DeleteWebhookRequest { WebhookId = id }, cancellationToken: invocation.CancellationToken).ConfigureAwait(false);
        invocation.Printer.Print(empty, w => w.WriteLine($"webhook {id} deleted"));
    }

    private static async Task DeliveriesAsync(Invocation invocation)
    {
        var request = new ListWebhookDeliveriesRequest
        {
            WebhookId = invocation.Args.NextPositional() ?? string.Empty,
            Limit = invocation.Args.Int("limit") ?? 100,
            States = { invocation.Args.Options("state").Select(s => EnumText<WebhookDeliveryState>.Parse(s, "--state")) },
        };
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        var list = await connection.Webhooks.ListWebhookDeliveriesAsync(request, cancellationToken: invocation.CancellationToken).ConfigureAwait(false);
        var table = new Table("ID", "WEBHOOK", "EVENT", "SIGNER", "STATE", "ATTEMPTS", "STATUS", "NEXT ATTEMPT", "LAST ERROR");
        foreach (var d in list.Deliveries)
        {
            table.Add(d.Id, d.WebhookId, d.EventType, d.SignerName, EnumText<WebhookDeliveryState>.Format(d.State),
                d.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
                d.LastStatusCode == 0 ? "-" : d.LastStatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture),
                d.NextAttemptAt is null ? "-" : Printer.Time(d.NextAttemptAt), d.LastError);
        }
        invocation.Printer.Print(list, table);
    }

    private static string Events(Webhook webhook) => webhook.EventTypes.Count == 0 ? "*" : string.Join(",", webhook.EventTypes);

    private static (string, string?)[] Properties(Webhook w) =>
    [
        ("webhook", w.Id),
        ("url", w.Url),
        ("events", Events(w)),
        ("signer", w.SignerName.Length > 0 ? w.SignerName : "*"),
        ("created", Printer.Time(w.CreatedAt)),
    ];
}
