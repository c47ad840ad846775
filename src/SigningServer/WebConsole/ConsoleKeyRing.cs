using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Logging;

namespace CodeSigning.Server.WebConsole;

/// <summary>
/// The Data Protection key ring that protects console session cookies, kept in the data directory
/// so that a restart keeps sessions: a directory only the server's user may enter (0700) and key
/// files only it may read (0600), which Hosting/PrivateFiles checks at start.
/// </summary>
public sealed class ConsoleKeyRing : IXmlRepository
{
    public const string DirectoryName = "console-keys";

    private readonly string _directory;
    private readonly FileSystemXmlRepository _files;

    public ConsoleKeyRing(string dataDir, ILoggerFactory loggers)
    {
        _directory = DirectoryPath(dataDir);
        var info = OperatingSystem.IsWindows()
            ? Directory.CreateDirectory(_directory)
            : Directory.CreateDirectory(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _files = new FileSystemXmlRepository(info, loggers);
    }

    public static string DirectoryPath(string dataDir) => Path.Combine(dataDir, DirectoryName);

    public IReadOnlyCollection<XElement> GetAllElements() => _files.GetAllElements();

    public void StoreElement(XElement element, string friendlyName)
    {
        _files.StoreElement(element, friendlyName);
        if (!OperatingSystem.IsWindows())
        {
            foreach (var file in Directory.EnumerateFiles(_directory))
            {
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }
    }
}
