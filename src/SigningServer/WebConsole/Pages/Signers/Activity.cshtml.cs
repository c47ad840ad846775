using System.Globalization;
using System.Text;
using System.Text.Json;
using CodeSigning.Server.Audit;
using CodeSigning.Server.Domain;
using CodeSigning.Server.Storage;
using CodeSigning.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Mvc;

namespace CodeSigning.Server.WebConsole.Pages.Signers;

/// <summary>A Signer's audit events, filtered by type, outcome, actor and time, read through the audit reader like the API's query; CSV and JSONL export.</summary>
public sealed class ActivityModel(AuditReader reader) : ConsolePageModel
{
    private const int PageSize = 200;

    [BindProperty(SupportsGet = true)] public string Name { get; set; } = "";
    [BindProperty(SupportsGet = true)] public string? Type { get; set; }
    [BindProperty(SupportsGet = true)] public AuditOutcome? Outcome { get; set; }
    [BindProperty(SupportsGet = true)] public string? Actor { get; set; }
    [BindProperty(SupportsGet = true)] public DateTime? Since { get; set; }
    [BindProperty(SupportsGet = true)] public DateTime? Until { get; set; }
    [BindProperty(SupportsGet = true)] public long After { get; set; }

    public IReadOnlyList<AuditRecord> Events { get; private set; } = [];
    public long? NextAfter { get; private set; }

    protected override void Load()
    {
        Events = reader.Query(Caller, Filter(), After, PageSize);
        NextAfter = Events.Count == PageSize ? Events[^1].Sequence : null;
    }

    public string ExportUrl(string format) => Url.Page("Activity", "Export", Query(new() { ["format"] = format }))!;

    public string PageUrl(long after) => Url.Page("Activity", Query(new() { ["after"] = after }))!;

    /// <summary>Every matching event, page by page, as CSV or one JSON object a line.</summary>
    public IActionResult OnGetExport(string? format)
    {
        var jsonl = format == "jsonl";
        var text = new StringBuilder(jsonl ? "" : "sequence,time,type,outcome,reason,actor_kind,actor,client,remote_address,details\n");
        try
        {
            for (long after = 0; ;)
            {
                var page = reader.Query(Caller, Filter(), after, AuditReader.MaxPageSize);
                foreach (var e in page)
                {
                    text.Append(jsonl ? Json(e) : Csv(e)).Append('\n');
                }
                if (page.Count < AuditReader.MaxPageSize)
                {
                    break;
                }
                after = page[^1].Sequence;
            }
        }
        catch (ServiceException e)
        {
            return Refused(e);
        }
        return File(Encoding.UTF8.GetBytes(text.ToString()), jsonl ? "application/jsonl" : "text/csv", $"{Name}-activity.{(jsonl ? "jsonl" : "csv")}");
    }

    private AuditFilter Filter()
    {
        var filter = new AuditFilter { Signer = Name, Actor = Actor?.Trim() ?? "", Outcome = Outcome ?? AuditOutcome.Unspecified };
        if (!string.IsNullOrWhiteSpace(Type))
        {
            filter.Types_.Add(Type.Trim());
        }
        filter.Since = Since is { } since ? Timestamp.FromDateTime(DateTime.SpecifyKind(since, DateTimeKind.Utc)) : null;
        filter.Until = Until is { } until ? Timestamp.FromDateTime(DateTime.SpecifyKind(until, DateTimeKind.Utc)) : null;
        return Limited(filter);
    }

    private Dictionary<string, object?> Query(Dictionary<string, object?> extra)
    {
        var values = new Dictionary<string, object?>
        {
            ["name"] = Name, ["type"] = Type, ["outcome"] = Outcome, ["actor"] = Actor,
            ["since"] = Since?.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture), ["until"] = Until?.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in extra)
        {
            values[key] = value;
        }
        return values;
    }

    private static string Details(AuditRecord e) => string.Join("; ", e.Details.Select(d => $"{d.Key}={d.Value}"));

    private static string Csv(AuditRecord e) => string.Join(',', new[]
    {
        e.Sequence.ToString(CultureInfo.InvariantCulture), e.Time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture), e.Type, ProtoNames.Of(e.Outcome), e.Reason,
        e.Actor is null ? "" : ProtoNames.Of(e.Actor.Kind), e.Actor?.Name ?? "", e.Client.Client, e.RemoteAddress, Details(e),
    }.Select(CsvField));

    /// <summary>Quoted when needed; a leading =, +, - or @ is neutralised so that a spreadsheet does not run it as a formula.</summary>
    private static string CsvField(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@')
        {
            value = "'" + value;
        }
        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    private static string Json(AuditRecord e) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["sequence"] = e.Sequence,
        ["time"] = e.Time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        ["type"] = e.Type,
        ["outcome"] = ProtoNames.Of(e.Outcome),
        ["reason"] = e.Reason,
        ["actor"] = e.Actor is null ? null : new Dictionary<string, string> { ["kind"] = ProtoNames.Of(e.Actor.Kind), ["name"] = e.Actor.Name, ["id"] = e.Actor.Id },
        ["signer"] = e.SignerName,
        ["client"] = e.Client.Client,
        ["remote_address"] = e.RemoteAddress,
        ["details"] = e.Details,
    });
}
