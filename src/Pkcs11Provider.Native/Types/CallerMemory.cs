using System.Runtime.InteropServices;
using System.Text;
using CodeSigning.Pkcs11.Cryptoki;

namespace CodeSigning.Pkcs11.Native.Types;

/// <summary>
/// Copies caller memory that may not be mapped (C_Initialize's pReserved is meant to be NULL, and
/// hosts pass garbage) without ever faulting: the kernel copies it into a pipe and answers EFAULT
/// for an unreadable address instead of raising SIGSEGV in the host.
/// </summary>
internal static unsafe partial class CallerMemory
{
    /// <summary>PATH_MAX: a configuration path longer than this is no path.</summary>
    public const int MaxStringBytes = 4096;

    private const int EINTR = 4;
    private const int O_CLOEXEC = 0x80000;

    /// <summary>Copies <paramref name="length"/> bytes from <paramref name="source"/>; false when any of them is unreadable.</summary>
    public static bool TryCopy(void* source, int length, Span<byte> destination)
    {
        if (OperatingSystem.IsWindows())
        {
            // No pipe probe on Windows; there the caller's pointer is trusted, as the specification allows.
            new ReadOnlySpan<byte>(source, length).CopyTo(destination);
            return true;
        }
        using var pipe = Pipe.Open();
        var done = 0;
        while (done < length)
        {
            // One page at a time: a page is readable as a whole or not at all, and a pipe takes a
            // page in one atomic write (PIPE_BUF), so nothing blocks.
            var address = (nuint)source + (nuint)done;
            var chunk = ToPageEnd(address, length - done);
            if (!pipe.RoundTrip((byte*)address, destination.Slice(done, chunk)))
            {
                return false;
            }
            done += chunk;
        }
        return true;
    }

    /// <summary>A NUL-terminated UTF-8 string; null when unreadable or not terminated within <see cref="MaxStringBytes"/>.</summary>
    public static string? TryReadUtf8String(byte* source)
    {
        var buffer = new byte[MaxStringBytes];
        var done = 0;
        while (done < MaxStringBytes)
        {
            var address = (nuint)source + (nuint)done;
            var chunk = ToPageEnd(address, MaxStringBytes - done);
            if (!TryCopy((byte*)address, chunk, buffer.AsSpan(done, chunk)))
            {
                return null;
            }
            var end = buffer.AsSpan(done, chunk).IndexOf((byte)0);
            if (end >= 0)
            {
                return Encoding.UTF8.GetString(buffer, 0, done + end);
            }
            done += chunk;
        }
        return null;
    }

    /// <summary>How many of the next <paramref name="limit"/> bytes lie on the page of <paramref name="address"/>.</summary>
    private static int ToPageEnd(nuint address, int limit)
    {
        var pageSize = (nuint)Environment.SystemPageSize;
        return (int)Math.Min(pageSize - address % pageSize, (nuint)limit);
    }

    private readonly struct Pipe : IDisposable
    {
        private readonly int _read;
        private readonly int _write;

        private Pipe(int read, int write)
        {
            _read = read;
            _write = write;
        }

        public static Pipe Open()
        {
            var fds = stackalloc int[2];
            return pipe2(fds, O_CLOEXEC) == 0
                ? new Pipe(fds[0], fds[1])
                : throw new Pkcs11Exception(CKR.CKR_HOST_MEMORY, $"pipe2 failed (errno {Marshal.GetLastPInvokeError()})");
        }

        /// <summary>Writes the caller's bytes into the pipe and reads them back; false on EFAULT.</summary>
        public bool RoundTrip(byte* source, Span<byte> destination)
        {
            nint written;
            do
            {
                written = write(_write, source, (nuint)destination.Length);
            }
            while (written < 0 && Marshal.GetLastPInvokeError() == EINTR);
            if (written != destination.Length)
            {
                return false;
            }
            fixed (byte* target = destination)
            {
                var received = 0;
                while (received < destination.Length)
                {
                    var count = read(_read, target + received, (nuint)(destination.Length - received));
                    if (count <= 0 && !(count < 0 && Marshal.GetLastPInvokeError() == EINTR))
                    {
                        throw new Pkcs11Exception(CKR.CKR_GENERAL_ERROR, $"reading back from the probe pipe failed (errno {Marshal.GetLastPInvokeError()})");
                    }
                    received += (int)Math.Max(count, 0);
                }
            }
            return true;
        }

        public void Dispose()
        {
            _ = close(_read);
            _ = close(_write);
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int pipe2(int* fds, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint write(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint read(int fd, byte* buffer, nuint count);

    [LibraryImport("libc")]
    private static partial int close(int fd);
}
