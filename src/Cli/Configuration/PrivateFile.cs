namespace CodeSigning.Cli.Configuration;

/// <summary>Files that hold credentials: written whole and readable by the owner only (0600).</summary>
internal static class PrivateFile
{
    public static void Write(string path, string contents)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        // Written beside the target and renamed over it, so a reader never sees half a file and
        // the secret is never on disk with wider permissions, even for an instant.
        var temporary = full + ".tmp-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var writer = new StreamWriter(temporary, options))
            {
                writer.Write(contents);
            }

            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
