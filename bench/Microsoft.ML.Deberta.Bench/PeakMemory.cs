namespace Microsoft.ML.Deberta.Bench;

/// <summary>
/// The process's peak resident memory on Linux: writing "5" to /proc/self/clear_refs resets VmHWM (the high-water
/// mark) to the current resident size, so the peak of one contender's runs can be read after them.
/// </summary>
internal static class PeakMemory
{
    /// <summary>Resets the high-water mark; returns the resident size now in MB, or null where /proc does not tell.</summary>
    public static double? Reset()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return StatusMb("VmRSS:");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The high-water mark of the resident size since the last <see cref="Reset"/>, in MB.</summary>
    public static double? PeakMb() => StatusMb("VmHWM:");

    private static double? StatusMb(string field)
    {
        if (!File.Exists("/proc/self/status")) return null;
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        // "VmHWM:    123456 kB"
        return line is null ? null : long.Parse(line[field.Length..].Trim().Split(' ')[0]) / 1024.0;
    }
}
