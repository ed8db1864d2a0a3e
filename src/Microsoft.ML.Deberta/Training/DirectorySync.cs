using System.Runtime.InteropServices;

namespace Microsoft.ML.Deberta.Training;

/// <summary>
/// Flushes a directory's entries (a rename into it) to disk on Linux and macOS, where a rename is durable only once
/// its directory is fsync'ed; .NET has no API for it. Elsewhere (Windows) the rename is journalled by the file system.
/// </summary>
internal static class DirectorySync
{
    public static void Flush(string directory)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
            return;
        try
        {
            int fd = Open(System.Text.Encoding.UTF8.GetBytes(directory + "\0"), 0); // O_RDONLY
            if (fd < 0)
                return; // best effort: the rename itself already happened
            try
            {
                _ = Fsync(fd);
            }
            finally
            {
                _ = Close(fd);
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // A C library under another name: the rename stands, only its durability on power loss is not forced.
        }
    }

    // DllImport with blittable arguments (a NUL-terminated UTF-8 path): LibraryImport would need unsafe code.
    [DllImport("libc", EntryPoint = "open")]
    private static extern int Open(byte[] path, int flags);

    [DllImport("libc", EntryPoint = "fsync")]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);
}
