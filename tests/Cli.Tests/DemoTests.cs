namespace CodeSigning.Cli.Tests;

/// <summary>
/// <c>./build.sh demo</c>'s script on the published artifacts, so CI (which runs the tests) proves the
/// README's first command: server, csign, jarsigner through the module and our TSA, strict verification, audit.
/// </summary>
public sealed class DemoTests
{
    [Fact]
    public async Task The_demo_signs_and_verifies_a_jar_end_to_end()
    {
        var script = Path.Combine(RepositoryRoot(), "tools", "demo", "demo.sh");

        var (exitCode, output) = await ExternalTool.RunAsync("bash", script);

        Assert.True(exitCode == 0, output);
        Assert.Contains("jar verified.", output, StringComparison.Ordinal);
        Assert.Contains("Timestamped by \"CN=CodeSigning Timestamp Authority, O=CodeSigning\"", output, StringComparison.Ordinal);
        Assert.DoesNotContain("do not include a timestamp", output, StringComparison.Ordinal);
        Assert.Contains("demo: OK", output, StringComparison.Ordinal);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CodeSigning.Pkcs11.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("cannot find the repository root (CodeSigning.Pkcs11.sln)");
    }
}
