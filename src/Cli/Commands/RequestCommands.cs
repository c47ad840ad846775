using System.CommandLine;
using CodeSigning.Cli.Output;
using CodeSigning.Cli.Parsing;
using CodeSigning.V1;
using Google.Protobuf.WellKnownTypes;

namespace CodeSigning.Cli.Commands;

/// <summary><c>csign request</c>: ask for a grant, and decide on others' requests.</summary>
internal static class RequestCommands
{
    public const string Usage = """
        usage: csign request <verb> ...

          create --signer SIGNER --justification TEXT [--count 1] [--window 1h]
          list [--signer SIGNER] [--state pending|approved|denied|expired|cancelled]...
          show REQUEST_ID
          approve REQUEST_ID [--comment TEXT]      (an approver named by the policy, not the requester)
          deny REQUEST_ID [--comment TEXT]         (one denial ends the request)
          cancel REQUEST_ID                        (the requester, while pending)

        Once approved, the request's grant allows --count signatures within --window.

        """;

    public static Noun Command() => new("request", "signing requests: create, list, approve, deny, cancel", Usage,
        new Verb("create", "ask for approval to sign; once approved, the grant allows --count signatures within --window", CreateAsync,
            Flags.Text("signer", "the Signer", "SIGNER"),
            Flags.Text("justification", "why these signatures are needed", "TEXT"),
            Flags.Number("count", "how many signatures (default 1)", minimum: 1),
            Flags.Duration("window", "how long the grant lasts once approved (default 1h)")),
        new Verb("list", "signing requests you may see", ListAsync,
            Flags.Text("signer", "only this Signer's requests", "SIGNER"),
            Flags.Choices<SigningRequestState>("state", "only requests in this state")),
        new Verb("show", "one request and its decisions", ShowAsync, RequestIdArgument()),
        new Verb("approve", "approve a request (an approver named by the policy, not the requester)", i => DecideAsync(i, approve: true), RequestIdArgument(), CommentOption()),
        new Verb("deny", "deny a request; one denial ends it", i => DecideAsync(i, approve: false), RequestIdArgument(), CommentOption()),
        new Verb("cancel", "cancel your own pending request", CancelAsync, RequestIdArgument()));

    private static Symbol RequestIdArgument() => Flags.Positional("REQUEST_ID", "the request id");

    private static Symbol CommentOption() => Flags.Text("comment", "a note kept with the decision", "TEXT");

    private static async Task CreateAsync(Invocation invocation)
    {
        var args = invocation.Args;
        var request = new CreateSigningRequestRequest
        {
            Signer = args.Required("signer", "the Signer"),
            Justification = args.Required("justification", "why these signatures are needed"),
            SignatureCount = args.Int("count") ?? 1,
            Window = Duration.FromTimeSpan(args.Duration("window") ?? TimeSpan.FromHours(1)),
        };
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        var created = await connection.Approvals.CreateSigningRequestAsync(request, cancellationToken: invocation.CancellationToken).ConfigureAwait(false);
        Show(invocation, created);
        if (!invocation.Printer.Json)
        {
            invocation.Context.Out.WriteLine($"an approver decides with: csign request approve {created.Id} (or deny)");
        }
    }

    private static async Task ListAsync(Invocation invocation)
    {
        var request = new ListSigningRequestsRequest { Signer = invocation.Args.Option("signer") ?? string.Empty, PageSize = 200 };
        request.States.Add(invocation.Args.Options("state").Select(s => EnumText<SigningRequestState>.Parse(s, "--state")));
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        var all = new ListSigningRequestsResponse();
        do
        {
            var page = await connection.Approvals.ListSigningRequestsAsync(request, cancellationToken: invocation.CancellationToken).ConfigureAwait(false);
            all.Requests.Add(page.Requests);
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);

        var table = new Table("ID", "SIGNER", "REQUESTER", "STATE", "APPROVALS", "COUNT", "WINDOW", "CREATED", "JUSTIFICATION");
        foreach (var r in all.Requests)
        {
            table.Add(r.Id, r.SignerName, PrincipalText.Format(r.Requester), EnumText<SigningRequestState>.Format(r.State), Progress(r),
                r.SignatureCount.ToString(System.Globalization.CultureInfo.InvariantCulture), Window(r.Window), Printer.Time(r.CreatedAt), r.Justification);
        }

        invocation.Printer.Print(all, table);
    }

    private static async Task ShowAsync(Invocation invocation)
    {
        var id = invocation.Args.RequiredPositional("the request id");
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        Show(invocation, await connection.Approvals.GetSigningRequestAsync(
            new GetSigningRequestRequest { RequestId = id }, cancellationToken: invocation.CancellationToken).ConfigureAwait(false));
    }

    private static async Task DecideAsync(Invocation invocation, bool approve)
    {
        var decision = new DecideSigningRequestRequest
        {
            RequestId = invocation.Args.RequiredPositional("the request id"),
            Comment = invocation.Args.Option("comment") ?? string.Empty,
        };
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        var call = approve
            ? connection.Approvals.ApproveSigningRequestAsync(decision, cancellationToken: invocation.CancellationToken)
            : connection.Approvals.DenySigningRequestAsync(decision, cancellationToken: invocation.CancellationToken);
        Show(invocation, await call.ConfigureAwait(false));
    }

    private static async Task CancelAsync(Invocation invocation)
    {
        var id = invocation.Args.RequiredPositional("the request id");
        using var connection = await invocation.ConnectAsync().ConfigureAwait(false);
        Show(invocation, await connection.Approvals.CancelSigningRequestAsync(
            new CancelSigningRequestRequest { RequestId = id }, cancellationToken: invocation.CancellationToken).ConfigureAwait(false));
    }

    /// <summary>"1/2": approvals so far of those the policy requires.</summary>
    private static string Progress(SigningRequest r) => $"{r.Approvals}/{r.ApprovalsRequired}";

    private static string Window(Duration? window) => window is null ? "-" : DurationText.Format(window.ToTimeSpan());

    private static void Show(Invocation invocation, SigningRequest r)
    {
        var properties = new List<(string, string?)>
        {
            ("id", r.Id),
            ("signer", r.SignerName),
            ("requester", PrincipalText.Format(r.Requester)),
            ("state", EnumText<SigningRequestState>.Format(r.State)),
            ("approvals", Progress(r)),
            ("justification", r.Justification),
            ("signatures", r.SignatureCount.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("window", Window(r.Window)),
            ("created", Printer.Time(r.CreatedAt)),
            ("expires", Printer.Time(r.ExpiresAt)),
            ("grant", r.GrantId),
        };
        properties.AddRange(r.Decisions.Select(d => (d.Approved ? "approved by" : "denied by",
            (string?)$"{PrincipalText.Format(d.Approver)} at {Printer.Time(d.DecidedAt)}{(d.Comment.Length > 0 ? ": " + d.Comment : string.Empty)}")));
        invocation.Printer.Print(r, [.. properties]);
    }
}
