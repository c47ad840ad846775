using System.Text.RegularExpressions;
using CodeSigning.Tests.Shared;

namespace CodeSigning.Server.Tests.Server;

/// <summary>
/// The server's folders depend one way (docs/architecture.md): each uses only folders below it,
/// read from the source as the command in that page reads it (qualified, relative and global names).
/// </summary>
public sealed partial class ServerLayerTests
{
    /// <summary>The layers, top first; a folder may use folders of later layers only.</summary>
    private static readonly string[][] Layers =
    [
        ["Hosting"],
        ["WebConsole"],
        ["Api"],
        ["Timestamping", "Auth"],
        ["Domain"],
        ["Notifications"],
        ["Audit", "Ca"],
        ["Storage", "Keys"],
        ["Telemetry"],
    ];

    [Fact]
    public void Every_server_folder_uses_only_folders_of_the_layers_below_it()
    {
        var source = Path.Combine(ServerProcess.RepositoryRoot(), "src", "SigningServer");
        var folders = Directory.GetDirectories(source).Select(Path.GetFileName).OfType<string>().Where(f => f is not ("bin" or "obj")).ToList();
        var layerOf = Layers.SelectMany((layer, i) => layer.Select(folder => (folder, i))).ToDictionary(p => p.folder, p => p.i);
        Assert.True(folders.All(layerOf.ContainsKey), "folders without a layer: " + string.Join(", ", folders.Where(f => !layerOf.ContainsKey(f))));

        var wrong = Dependencies(source, folders).Where(d => layerOf[d.From] >= layerOf[d.To]).Select(d => $"{d.From} -> {d.To}").ToList();

        Assert.True(wrong.Count == 0, "dependencies against the layering: " + string.Join(", ", wrong));
    }

    [Fact]
    public void The_dependency_reader_sees_qualified_relative_and_global_names()
    {
        var source = Directory.CreateTempSubdirectory("codesign-layers-").FullName;
        try
        {
            Write(source, "Low/Thing.cs", "namespace CodeSigning.Server.Low; public sealed class Thing { }");
            Write(source, "Other/Item.cs", "namespace CodeSigning.Server.Other; public enum Item { A }");
            Write(source, "Qualified/A.cs", "using CodeSigning.Server.Low; namespace CodeSigning.Server.Qualified; class A { }");
            Write(source, "Relative/B.cs", "namespace CodeSigning.Server.Relative; class B { Low.Thing? t; int n = x.Low.Count; }");
            Write(source, "Property/C.cs", "namespace CodeSigning.Server.Property; class C { int n = dictionary.Low.Count; }");
            Write(source, "Global/G.cs", "global using CodeSigning.Server.Other;");
            Write(source, "Bare/D.cs", "namespace CodeSigning.Server.Bare; class D { Item i; }");
            var folders = Directory.GetDirectories(source).Select(Path.GetFileName).OfType<string>().ToList();

            var found = Dependencies(source, folders).Select(d => $"{d.From} -> {d.To}").Order(StringComparer.Ordinal).ToList();

            Assert.Equal(["Bare -> Other", "Global -> Other", "Qualified -> Low", "Relative -> Low"], found);
        }
        finally
        {
            Directory.Delete(source, recursive: true);
        }
    }

    private static IEnumerable<(string From, string To)> Dependencies(string source, IReadOnlyList<string> folders)
    {
        var text = folders.ToDictionary(f => f, f => string.Join("\n", Directory.EnumerateFiles(Path.Combine(source, f), "*.cs", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)).Select(File.ReadAllText)));
        var everything = string.Join("\n", text.Values) + string.Join("\n", Directory.EnumerateFiles(source, "*.csproj").Select(File.ReadAllText));
        var global = GlobalUsing().Matches(everything).Select(m => m.Groups["folder"].Value).ToHashSet(StringComparer.Ordinal);
        foreach (var from in folders)
        {
            foreach (var to in folders.Where(f => f != from))
            {
                var types = string.Join("|", TypeDeclaration().Matches(text[to]).Select(m => m.Groups["name"].Value).Distinct());
                var pattern = $@"CodeSigning\.Server\.{to}\b" + (types.Length == 0 ? "" : $@"|(^|[^A-Za-z0-9_.]){to}\.({types})\b");
                if (global.Contains(to) && types.Length > 0)
                {
                    pattern += $@"|\b({types})\b";
                }
                if (Regex.IsMatch(text[from], pattern, RegexOptions.Multiline))
                {
                    yield return (from, to);
                }
            }
        }
    }

    private static void Write(string root, string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, path))!);
        File.WriteAllText(Path.Combine(root, path), content);
    }

    [GeneratedRegex(@"\b(class|record|struct|interface|enum) (?<name>[A-Z][A-Za-z0-9]*)")]
    private static partial Regex TypeDeclaration();

    [GeneratedRegex(@"global using (static )?CodeSigning\.Server\.(?<folder>[A-Za-z]+)|<Using Include=""CodeSigning\.Server\.(?<folder>[A-Za-z]+)")]
    private static partial Regex GlobalUsing();
}
