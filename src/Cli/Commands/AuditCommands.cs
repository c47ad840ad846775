using System.CommandLine;
using System.Globalization;
using CodeSigning.Cli.Output;
using CodeSigning.Cli.Parsing;
using CodeSigning.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace CodeSigning.Cli.Commands;

/// <summary><c>csign audit</c>: the server's hash-chained log of every request, decision, signature and refusal.</summary>
internal static class AuditCommands
{
    public const string Usage = """
        usage: csign audit <verb> [filters] ...

          query [--limit 100]                  the oldest matching events first (use --since to start later)
          follow [--after SEQUENCE]            matching events as they are committed, until Ctrl+C
          export --format jsonl|csv [--out FILE]   every matching event (JSON lines, or RFC 4180 CSV)
          verify [--checkpoints FILE]          recompute the hash chain and check it against the server's
                                               latest checkpoint and those in FILE (Product Admin)
          checkpoint export [--out FILE]       sign a checkpoint of the chain's head now and append it to
                                               FILE (or print it), to keep away from the server (Product Admin)

        Filters: --signer SIGNER  --actor NAME  --type TYPE (exact, or a prefix ending in '.', e.g.
        signature.; repeatable)  --since TIME  --until TIME  --outcome success|denied|failed.
        TIME is RFC 3339 (2026-01-31T12:00:00Z) or a duration ago (15m, 8h, 7d).

        """;

    private static readonly string[] CsvHeader =
        ["sequence", "id", "time", "type", "outcome", "actor", "signer", "reason", "remote_address", "client", "details", "hash", "previous_hash"];

    public static Noun Command() => new("audit", "query, follow, export and verify the audit log", Usage,
        new Verb("query", "the oldest matching events first (use --since to start later)", QueryAsync,
            [.. Filters(), Flags.Number("limit", "at most this many events (default 100)", minimum: 1)]),
        new Verb("follow", "matching events as they are committed, until Ctrl+C", FollowAsync,
            [.. Filters(), Flags.Number("after", "start after this sequence number")]),
        new Verb("export", "every matching event, as JSON lines or RFC 4180 CSV", ExportAsync,
            [.. Filters(), Flags.OneOf("format", "the file format", "jsonl", "csv"), Flags.Text("out", "write to FILE instead of stdout", "FILE")]),
        new Verb("verify", "recompute the hash chain and check it against the server's latest checkpoint and those in FILE (Product Admin)", VerifyAsync,
            Flags.Text("checkpoints", "a file of checkpoints kept away from the server", "FILE")),
        new Noun("checkpoint", "signed checkpoints of the chain's head", Usage,
            new Verb("export", "sign a checkpoint of the chain's head now and append it to FILE, or print it (Product Admin)", ExportCheckpointAsync,
                Flags.Text("out", "the file to append the checkpoint to", "FILE"))));

    private static async Task QueryAsync(Invocation invocation)
    {
        var filter = Filter(invocation.Args);
        var limit = invocation.Args.Int("limit") ?? 100;
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        var result = new QueryAuditEventsResponse();
        await foreach (var e in QueryAllAsync(connection, filter, invocation.CancellationToken).ConfigureAwait(false))
        {
            if (result.Events.Count == limit)
            {
                result.NextAfterSequence = result.Events[^1].Sequence;
                break;
            }

            result.Events.Add(e);
        }

        var table = new Table("SEQ", "TIME", "TYPE", "OUTCOME", "ACTOR", "SIGNER", "REASON", "DETAILS");
        foreach (var e in result.Events)
        {
            table.Add(Seq(e), Printer.Time(e.Time), e.Type, EnumText<AuditOutcome>.Format(e.Outcome), PrincipalText.Format(e.Actor), e.SignerName, e.Reason, Details(e));
        }

        invocation.Printer.Print(result, w =>
        {
            table.WriteTo(w);
            if (result.NextAfterSequence != 0)
            {
                w.WriteLine($"(first {limit} shown; more with --limit, or --since)");
            }
        });
    }

    private static async Task FollowAsync(Invocation invocation)
    {
        var request = new FollowAuditEventsRequest { Filter = Filter(invocation.Args), AfterSequence = invocation.Args.Int("after") ?? 0 };
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        using var call = connection.Audit.FollowAuditEvents(request, cancellationToken: invocation.CancellationToken);
        var output = invocation.Context.Out;
        await foreach (var e in call.ResponseStream.ReadAllAsync(invocation.CancellationToken).ConfigureAwait(false))
        {
            output.WriteLine(invocation.Printer.Json
                ? Printer.SingleLine.Format(e)
                : DisplayText.Escape($"{Seq(e)}  {Printer.Time(e.Time)}  {e.Type}  {EnumText<AuditOutcome>.Format(e.Outcome)}  {PrincipalText.Format(e.Actor)}  {Dash(e.SignerName)}  {Dash(e.Reason)}  {Details(e)}"));
            await output.FlushAsync(invocation.CancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task ExportAsync(Invocation invocation)
    {
        var format = invocation.Args.Required("format", "jsonl or csv");
        if (format is not ("jsonl" or "csv"))
        {
            throw CliException.Usage($"--format must be jsonl or csv, not \"{format}\"");
        }

        var path = invocation.Args.Option("out");
        var filter = Filter(invocation.Args);
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        if (path is null)
        {
            await ExportAsync(invocation, connection, filter, format, invocation.Context.Out).ConfigureAwait(false);
            return;
        }

        // Written aside and renamed at the end: a failed export leaves no half file and keeps an old one.
        var partial = path + ".partial";
        try
        {
            int count;
            await using (var file = new StreamWriter(partial, append: false))
            {
                count = await ExportAsync(invocation, connection, filter, format, file).ConfigureAwait(false);
            }

            File.Move(partial, path, overwrite: true);
            invocation.Context.Error.WriteLine($"{count} events written to {path}");
        }
        finally
        {
            File.Delete(partial);
        }
    }

    private static async Task<int> ExportAsync(Invocation invocation, Connection.ServerConnection connection, AuditFilter filter, string format, TextWriter writer)
    {
        if (format == "csv")
        {
            Csv.WriteRecord(writer, CsvHeader);
        }

        var count = 0;
        await foreach (var e in QueryAllAsync(connection, filter, invocation.CancellationToken).ConfigureAwait(false))
        {
            if (format == "csv")
            {
                Csv.WriteRecord(writer, CsvFields(e));
            }
            else
            {
                writer.WriteLine(Printer.SingleLine.Format(e));
            }

            if (++count % 1000 == 0)
            {
                invocation.Context.Progress($"{count} events exported");
            }
        }

        return count;
    }

    private static async Task VerifyAsync(Invocation invocation)
    {
        var request = new VerifyAuditChainRequest();
        if (invocation.Args.Option("checkpoints") is { } path)
        {
            request.Checkpoints.Add((await File.ReadAllLinesAsync(path, invocation.CancellationToken).ConfigureAwait(false)).Where(l => l.Trim().Length > 0));
        }

        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        invocation.Context.Progress("recomputing the audit hash chain");
        var result = await connection.Audit.VerifyAuditChainAsync(request, cancellationToken: invocation.CancellationToken).ConfigureAwait(false);
        var where = result.FirstInvalidSequence == 0 ? string.Empty : $" at event {result.FirstInvalidSequence}";
        invocation.Printer.Print(result, w => w.WriteLine(result.Valid
            ? $"audit chain valid: {result.EventsChecked} events checked" + (result.CheckpointSequence == 0 ? string.Empty : $", consistent with the checkpoint at event {result.CheckpointSequence}")
            : $"audit chain BROKEN{where} ({result.EventsChecked} checked): {result.Message}"));
        if (!result.Valid)
        {
            throw new CliException(ExitCode.ServerRefused, $"the audit chain does not verify{(where.Length == 0 ? string.Empty : " from" + where[3..])}: {result.Message}");
        }
    }

    private static async Task ExportCheckpointAsync(Invocation invocation)
    {
        var path = invocation.Args.Option("out");
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        var checkpoint = await connection.Audit.CreateAuditCheckpointAsync(new CreateAuditCheckpointRequest(), cancellationToken: invocation.CancellationToken).ConfigureAwait(false);
        if (path is null)
        {
            invocation.Context.Out.WriteLine(checkpoint.Line);
            return;
        }

        // Appended: the file is the operator's own history of checkpoints, each checked by audit verify --checkpoints.
        await File.AppendAllTextAsync(path, checkpoint.Line + "\n", invocation.CancellationToken).ConfigureAwait(false);
        invocation.Context.Error.WriteLine($"checkpoint of event {checkpoint.Sequence} appended to {path}");
    }

    /// <summary>Every event matching the filter, page after page, oldest first.</summary>
    private static async IAsyncEnumerable<AuditEvent> QueryAllAsync(
        Connection.ServerConnection connection, AuditFilter filter, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new QueryAuditEventsRequest { Filter = filter, PageSize = 500 };
        do
        {
            var page = await connection.Audit.QueryAuditEventsAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var e in page.Events)
            {
                yield return e;
            }

            request.AfterSequence = page.NextAfterSequence;
        }
        while (request.AfterSequence != 0);
    }

    /// <summary>The options that pick events, shared by query, follow and export.</summary>
    private static Symbol[] Filters() =>
    [
        Flags.Text("signer", "only this Signer's events", "SIGNER"),
        Flags.Text("actor", "only events of this principal", "NAME"),
        Flags.Repeated("type", "an event type, exact or a prefix ending in '.', e.g. signature.", "TYPE"),
        Flags.Text("since", "events from this time: RFC 3339 (2026-01-31T12:00:00Z) or a duration ago (15m, 8h, 7d)", "TIME"),
        Flags.Text("until", "events up to this time, as --since", "TIME"),
        Flags.Choice<AuditOutcome>("outcome", "only events with this outcome"),
    ];

    private static AuditFilter Filter(Arguments args)
    {
        var filter = new AuditFilter
        {
            Signer = args.Option("signer") ?? string.Empty,
            Actor = args.Option("actor") ?? string.Empty,
            Outcome = args.Option("outcome") is { } outcome ? EnumText<AuditOutcome>.Parse(outcome, "--outcome") : AuditOutcome.Unspecified,
        };
        filter.Types_.Add(args.Options("type"));
        if (args.Option("since") is { } since)
        {
            filter.Since = Time(since, "--since");
        }

        if (args.Option("until") is { } until)
        {
            filter.Until = Time(until, "--until");
        }

        return filter;
    }

    private static Timestamp Time(string text, string what) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? Timestamp.FromDateTimeOffset(time)
            : Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow - DurationText.Parse(text, what + " (a time or a duration ago)"));

    private static IEnumerable<string> CsvFields(AuditEvent e) =>
    [
        Seq(e), e.Id, e.Time?.ToDateTimeOffset().ToString("O", CultureInfo.InvariantCulture) ?? string.Empty, e.Type,
        EnumText<AuditOutcome>.Format(e.Outcome), e.Actor is null ? string.Empty : PrincipalText.Format(e.Actor), e.SignerName, e.Reason,
        e.RemoteAddress, e.Client?.Client ?? string.Empty, Details(e), Convert.ToHexStringLower(e.Hash.Span), Convert.ToHexStringLower(e.PreviousHash.Span),
    ];

    private static string Seq(AuditEvent e) => e.Sequence.ToString(CultureInfo.InvariantCulture);

    private static string Dash(string value) => value.Length == 0 ? "-" : value;

    private static string Details(AuditEvent e) => string.Join(" ", e.Details.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => $"{d.Key}={d.Value}"));
}
