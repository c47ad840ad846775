using System.Runtime.InteropServices;

namespace CodeSigning.Pkcs11.Native.Tests;

/// <summary>
/// The published NativeAOT module (./build.sh build puts it in artifacts/native/&lt;rid&gt;/), loaded
/// into this process. Tests that call it share its process-wide state, so they run one at a time.
/// </summary>
internal static class NativeModule
{
    private static readonly Lazy<nint> LazyHandle = new(() => NativeLibrary.Load(Path));

    /// <summary>CODESIGN_PKCS11_MODULE (set by build.sh), else artifacts/native/linux-x64 under the repository.</summary>
    public static string Path
    {
        get
        {
            var path = Environment.GetEnvironmentVariable("CODESIGN_PKCS11_MODULE");
            if (string.IsNullOrEmpty(path))
            {
                path = System.IO.Path.Combine(RepositoryRoot, "artifacts", "native", "linux-x64", "libcodesign-pkcs11.so");
            }

            Assert.True(File.Exists(path), $"the published module is missing at {path}: run ./build.sh build first");
            return path;
        }
    }

    public static nint Handle => LazyHandle.Value;

    public static nint Export(string name) => NativeLibrary.GetExport(Handle, name);

    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(System.IO.Path.Combine(dir.FullName, "CodeSigning.Pkcs11.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("CodeSigning.Pkcs11.sln not found above " + AppContext.BaseDirectory);
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NativeModuleCollection : ICollectionFixture<NativeServerFixture>, ICollectionFixture<RealServerFixture>
{
    public const string Name = "native module";
}
