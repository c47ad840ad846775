namespace CodeSigning.Server.Tests.Keys;

/// <summary>A fresh directory under the system temp directory, deleted on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("codesign-test-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
