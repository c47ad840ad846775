namespace CodeSigning.Pkcs11.Configuration;

/// <summary>A file that holds a secret must not be readable by group or others.</summary>
public static class FilePermissions
{
    public static void RefuseIfShared(string path, string what)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var mode = File.GetUnixFileMode(path);
        if ((mode & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            throw new ConfigurationException(
                $"{path} {what} but is readable by group or others (mode {Convert.ToString((int)mode, 8)}): run chmod 600 {path}");
        }
    }
}
