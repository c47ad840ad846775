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
public sealed partial class AuditEventCatalogueTests
{
    private const string Heading = "Audit event types";

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
